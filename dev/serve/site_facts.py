"""Prints what nginx needs to know of the portal (dev/serve.sh writes its configuration from it):
``webassets <url path> <folder>`` (CKAN's webassets output), ``public <folder>`` for each public
folder (extensions' first, CKAN's last: the order in which CKAN looks a file up), and
``cookie <name>`` for each cookie that identifies a user (Flask's session, flask-login's
"remember me"): a request carrying one bypasses the proxy cache.

Usage: CKAN_INI=ckan.ini python dev/serve/site_facts.py
"""
from __future__ import annotations

import os
import sys

import ckan
from ckan.cli import load_config
from ckan.common import config
from ckan.config.middleware import make_app
from ckan.lib.webassets_tools import get_webassets_path


def main() -> None:
    make_app(load_config(os.environ["CKAN_INI"]))  # the plugins add their public folders to the config
    url = config["ckan.webassets.url"].rstrip("/")
    sys.stdout.write(f"webassets {url} {get_webassets_path()}\n")
    # as flask_app.make_flask_stack lists them (without the empty entry it turns into its own folder)
    folders = [*config.get("extra_public_paths").split(","), *config.get("plugin_public_paths", []),
               os.path.join(os.path.dirname(ckan.__file__), config.get("ckan.base_public_folder"))]
    for folder in folders:
        if folder.strip() and os.path.isdir(folder.strip()):
            sys.stdout.write(f"public {os.path.abspath(folder.strip())}\n")
    for key in ("SESSION_COOKIE_NAME", "REMEMBER_COOKIE_NAME"):
        sys.stdout.write(f"cookie {config.get(key)}\n")


if __name__ == "__main__":
    main()
