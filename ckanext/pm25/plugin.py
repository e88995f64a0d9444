"""Wiring only: which CKAN interfaces ckanext-pm25 implements, each handing off to the room that owns it."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from ckan.lib.plugins import DefaultTranslation
from flask import Blueprint

from ckanext.pm25 import cli
from ckanext.pm25.dataset import (catalogue_location, csrf_guard, facets, indexing, previews, text_search,
                                  unknown_keys, validators)
from ckanext.pm25.harvesters import admin_views as harvest_admin_views
from ckanext.pm25.harvesters import helpers as harvest_helpers
from ckanext.pm25.harvesters import network, source_privacy, station_privacy
from ckanext.pm25.interfaces import IPm25Readings
from ckanext.pm25.participation import views as alert_views
from ckanext.pm25.participation import request_actions, request_views, scorecard_actions, scorecard_views
from ckanext.pm25.participation import alert_actions, log_privacy, report_actions, report_views
from ckanext.pm25.provinces import actions as province_actions
from ckanext.pm25.provinces import helpers as province_helpers
from ckanext.pm25.provinces import search
from ckanext.pm25.provinces import views as province_views
from ckanext.pm25.readings import actions as readings_actions
from ckanext.pm25.readings import embed
from ckanext.pm25.readings.embed_headers import EmbedHeaders
from ckanext.pm25.readings.cache_headers import CacheHeaders
from ckanext.pm25.readings import helpers as readings_helpers
from ckanext.pm25.readings import hooks as readings_hooks
from ckanext.pm25.readings import hotspot_actions, hotspot_views, point_privacy
from ckanext.pm25.readings import views as readings_views

LICENSES_FILE = Path(__file__).parent / "schemas" / "licenses.json"


@toolkit.blanket.config_declarations
class Pm25Plugin(DefaultTranslation, plugins.SingletonPlugin):
    # ITranslation: the Thai catalogue in i18n/ (domain ckanext-pm25), see dev/i18n.sh
    plugins.implements(plugins.ITranslation)
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IClick)
    plugins.implements(plugins.IValidators)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(plugins.IActions)
    plugins.implements(plugins.IAuthFunctions)
    plugins.implements(plugins.IBlueprint)
    plugins.implements(plugins.IMiddleware, inherit=True)
    plugins.implements(plugins.IFacets, inherit=True)
    plugins.implements(plugins.IPackageController, inherit=True)
    plugins.implements(IPm25Readings, inherit=True)

    # IConfigurer

    def update_config(self, config: toolkit.CKANConfig) -> None:
        toolkit.add_template_directory(config, "templates")
        toolkit.add_resource("assets", "pm25")
        # GD-Catalog's licence ids, unless the site chose its own list
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = f"file://{LICENSES_FILE}"

    # IClick

    def get_commands(self) -> list:
        return cli.get_commands()

    # IValidators

    def get_validators(self) -> dict[str, Any]:
        return {**validators.get_validators(), **catalogue_location.get_validators()}

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return {**province_helpers.HELPERS, **readings_helpers.HELPERS, **embed.HELPERS, **harvest_helpers.HELPERS,
                **hotspot_views.HELPERS, **alert_views.HELPERS, **request_views.HELPERS,
                **report_views.HELPERS}

    # IActions, IAuthFunctions (CKAN convention: check_access → validate → act in each action)

    def get_actions(self) -> dict[str, Any]:
        # source_privacy: package_list lists datasets only; harvest_source_list and the activity
        # stream keep a harvest source's config for those who may edit the source; previews: a
        # DataStore table gets its table preview; network: clearing a source clears its stores
        return {**province_actions.ACTIONS, **readings_actions.ACTIONS, **unknown_keys.ACTIONS,
                **source_privacy.actions(), **previews.ACTIONS, **hotspot_actions.ACTIONS, **scorecard_actions.ACTIONS,
                **request_actions.ACTIONS, **report_actions.ACTIONS, **alert_actions.ACTIONS,
                **(network.ACTIONS if plugins.plugin_loaded("harvest") else {})}

    def get_auth_functions(self) -> dict[str, Any]:
        return {**province_actions.AUTH, **readings_actions.AUTH, **hotspot_actions.AUTH, **scorecard_actions.AUTH,
                **request_actions.AUTH, **report_actions.AUTH, **alert_actions.AUTH}

    # IBlueprint

    def get_blueprint(self) -> list[Blueprint]:
        return [province_views.blueprint, readings_views.blueprint, embed.blueprint, harvest_admin_views.blueprint,
                csrf_guard.blueprint, hotspot_views.blueprint, alert_views.blueprint, scorecard_views.blueprint,
                request_views.blueprint, report_views.blueprint]

    # IMiddleware: the app is built (CSRF protection set up); what is exempt now is exempt on purpose;
    # the widget's responses leave with their own headers

    def make_middleware(self, app: Any, config: Any) -> Any:
        if hasattr(app, "extensions"):  # the Flask app
            csrf_guard.note_exempt_views(app)
            log_privacy.install()  # no requester's address in the API's debug log
            point_privacy.install()  # no precise location in the request log (readings/)
            # the embeddable widget's headers, settled after CKAN's after-request handler and
            # the session's cookie (readings/embed_headers.py)
            app.wsgi_app = EmbedHeaders(app.wsgi_app)
            # the readings' pages: validators, public or private (readings/cache_headers.py)
            app.wsgi_app = CacheHeaders(app.wsgi_app)
        return app

    # IFacets

    def dataset_facets(self, facets_dict: OrderedDict[str, str], package_type: str) -> OrderedDict[str, str]:
        return facets.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict: OrderedDict[str, str], organization_type: str,
                            package_type: str | None) -> OrderedDict[str, str]:
        return facets.organization_facets(facets_dict, organization_type, package_type)

    def group_facets(self, facets_dict: OrderedDict[str, str], group_type: str,
                     package_type: str | None) -> OrderedDict[str, str]:
        return facets.group_facets(facets_dict, group_type, package_type)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        # a harvest source is indexed without its config (harvesters/source_privacy.py)
        return source_privacy.index_without_config(indexing.index_fields(pkg_dict))

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return source_privacy.after_dataset_show(context, pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.before_dataset_search(text_search.every_word_must_match(search_params))

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return facets.label_facet_items(search_results)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        readings_hooks.dataset_updated(pkg_dict)
        # a station made private takes its readings to its source's private store
        station_privacy.dataset_updated(pkg_dict)

    # IPm25Readings: the dashboard's summary follows every stored reading

    def readings_stored(self, dataset: dict[str, Any], resource_id: str, rows: list[dict[str, Any]]) -> None:
        readings_hooks.readings_stored(dataset, resource_id, rows)

    def stations_readings_stored(self, batches: list[tuple[dict[str, Any], str, list[dict[str, Any]]]],
                                 ) -> None:
        readings_hooks.stations_readings_stored(batches)

    def station_status_changed(self, dataset: dict[str, Any]) -> None:
        readings_hooks.station_status_changed(dataset)

    def areas_stored(self, areas: list[dict[str, Any]]) -> None:
        readings_hooks.areas_stored(areas)
