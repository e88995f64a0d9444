"""The portal as a WSGI application, for uWSGI (``dev/serve.sh``): the CKAN configuration that
``CKAN_INI`` names, loaded the way CKAN's own wsgi.py (its source tree, its Docker images) does."""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import load_config
from ckan.config.middleware import make_app

_ini = os.environ["CKAN_INI"]
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(load_config(_ini))
