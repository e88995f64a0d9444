"""Who may call each data-request action: the authorisation matrix, through CKAN's check_access
as every action runs it (anonymous, the requester, another user, the agency's member, editor
and admin, another agency's editor, a sysadmin)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest

from tests.participation.conftest import Sink, link_in
from tests.participation.requests_world import ROLES, World, call, new_request

Y, N = True, False
MATRIX: dict[str, tuple[bool, ...]] = {
    #                                  anon requester other member editor admin other-agency sysadmin
    "pm25_data_request_show":          (Y, Y, Y, Y, Y, Y, Y, Y),
    "pm25_data_request_list":          (Y, Y, Y, Y, Y, Y, Y, Y),
    "pm25_data_request_agency_figures": (Y, Y, Y, Y, Y, Y, Y, Y),
    "pm25_data_request_confirm":       (Y, Y, Y, Y, Y, Y, Y, Y),  # the mailed token is the proof
    "pm25_data_request_create":        (Y, Y, Y, Y, Y, Y, Y, Y),  # anonymous: with an address
    "pm25_data_request_support":       (N, N, Y, Y, Y, Y, Y, Y),
    "pm25_data_request_route":         (N, N, N, N, N, N, N, Y),
    "pm25_data_request_transfer":      (N, N, N, N, Y, Y, N, Y),
    "pm25_data_request_ask":           (N, N, N, N, Y, Y, N, Y),
    "pm25_data_request_answer":        (N, N, N, N, Y, Y, N, Y),
    "pm25_data_request_decline":       (N, N, N, N, Y, Y, N, Y),
    "pm25_data_request_reply":         (N, Y, N, N, N, N, N, Y),
    "pm25_data_request_unsupport":     (N, Y, Y, Y, Y, Y, Y, Y),
    "pm25_data_request_delete":        (N, Y, N, N, N, N, N, Y),
}


def allowed(world: World, role: str, action: str, request_id: str) -> bool:
    try:
        tk.check_access(action, {"user": world.name(role)}, {"id": request_id})
    except tk.NotAuthorized:
        return False
    return True


def test_every_action_against_every_role(app: Any, world: World) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    found = {action: tuple(allowed(world, role, action, made["id"]) for role in ROLES) for action in MATRIX}
    assert found == MATRIX


@pytest.mark.parametrize("role", ["anonymous", "other_user", "agency_member", "other_agency_editor"])
def test_those_refused_get_403_from_the_api_and_nothing_changes(app: Any, world: World, role: str) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    answer = call(app, world, role, "pm25_data_request_answer",
                  {"id": made["id"], "datasets": [world.dataset["name"]]}, status=403)
    assert answer["success"] is False
    shown = call(app, world, "anonymous", "pm25_data_request_show", {"id": made["id"]})["result"]
    assert shown["status"] == "open" and [step["kind"] for step in shown["steps"]] == ["submitted"]


def test_the_private_links_token_acts_for_its_own_request_only(app: Any, world: World, smtp_server: Sink) -> None:
    call(app, world, "anonymous", "pm25_data_request_create", new_request(email="malee@example.net"))
    confirm = link_in(smtp_server.take()[0].body, "/pm25/requests/confirm").split("token=", 1)[1]
    mine = call(app, world, "anonymous", "pm25_data_request_confirm", {"token": confirm})["result"]
    token = link_in(smtp_server.take()[0].body, "/private").split("token=", 1)[1]
    other = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]

    def may(action: str, request_id: str, given: str = token) -> bool:
        try:
            tk.check_access(action, {"user": ""}, {"id": request_id, "token": given})
        except tk.NotAuthorized:
            return False
        return True

    assert [may(f"pm25_data_request_{name}", mine["id"]) for name in ("reply", "delete", "answer", "support")] == [
        True, True, False, False]
    assert not may("pm25_data_request_reply", other["id"]) and not may("pm25_data_request_delete", other["id"])
    assert not may("pm25_data_request_reply", mine["id"], given=token[:-1] + ("B" if token.endswith("A") else "A"))
