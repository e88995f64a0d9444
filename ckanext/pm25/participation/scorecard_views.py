"""The agency scorecard's page (/pm25/agencies) and its CSV (/pm25/agencies.csv): the answer of
pm25_agency_scorecard, in the request's language."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint, Response
from flask_login import current_user

from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.participation import scorecard
from ckanext.pm25.readings import exports, hooks

blueprint = Blueprint("pm25_agencies", __name__)


def _answer() -> dict[str, Any]:
    context: Context = {"user": current_user.name if current_user else "", "auth_user_obj": current_user}
    return tk.get_action("pm25_agency_scorecard")(context, {})


def page() -> Any:
    return tk.render("pm25/agencies.html", {"scorecard": _answer()})


def download() -> Any:
    answer = _answer()
    body = exports.to_csv(scorecard.CSV_COLUMNS, scorecard.csv_rows(answer["agencies"]))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    day = iso_utc(hooks.now())[:10].replace("-", "")
    response.headers["Content-Disposition"] = f'attachment; filename="pm25-agency-scorecard-{day}.csv"'
    return response


blueprint.add_url_rule("/pm25/agencies", view_func=page, endpoint="index")
blueprint.add_url_rule("/pm25/agencies.csv", view_func=download, endpoint="csv")
