"""Wiring only: which CKAN interfaces ckanext-pm25 implements, each handing off to its module."""
from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit

from ckanext.pm25 import cli


@toolkit.blanket.config_declarations
class Pm25Plugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IClick)

    # IConfigurer

    def update_config(self, config: toolkit.CKANConfig) -> None:
        toolkit.add_template_directory(config, "templates")
        toolkit.add_resource("assets", "pm25")

    # IClick

    def get_commands(self) -> list:
        return cli.get_commands()
