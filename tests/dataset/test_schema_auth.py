"""Only an organisation's editors and admins publish to it, through the action API and over HTTP
with API tokens; members and other organisations' editors are refused."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from tests.factories import pm25_dataset_dict
from tests.dataset.api import act, create


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_publish_to_their_organisation(agency: dict[str, Any], role: str) -> None:
    dataset = create(agency[role], agency["organization"]["id"])

    assert dataset["organization"]["name"] == agency["organization"]["name"]
    assert act("package_patch", agency[role], id=dataset["id"], title="แก้ไขแล้ว")["title"] == "แก้ไขแล้ว"


@pytest.mark.parametrize("who", ["member", "other editor", "no organisation"])
def test_others_cannot_create_in_the_organisation(agency: dict[str, Any], other_agency: dict[str, Any],
                                                  who: str) -> None:
    user = {"member": agency["member"], "other editor": other_agency["editor"]}.get(who) or factories.User()

    with pytest.raises(tk.NotAuthorized):
        create(user, agency["organization"]["id"])


@pytest.mark.parametrize("who", ["member", "other editor"])
@pytest.mark.parametrize("action", ["package_patch", "package_delete"])
def test_others_cannot_change_the_organisations_datasets(agency: dict[str, Any], other_agency: dict[str, Any],
                                                         who: str, action: str) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], title="ต้นฉบับ")
    user = agency["member"] if who == "member" else other_agency["editor"]

    with pytest.raises(tk.NotAuthorized):
        act(action, user, id=dataset["id"], title="เปลี่ยนโดยผู้อื่น")

    shown = act("package_show", agency["editor"], id=dataset["id"])
    assert (shown["title"], shown["state"]) == ("ต้นฉบับ", "active")


def test_an_editor_cannot_move_a_dataset_into_an_organisation_they_do_not_edit(
        agency: dict[str, Any], other_agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"])

    with pytest.raises((tk.NotAuthorized, tk.ValidationError)):
        act("package_patch", agency["editor"], id=dataset["id"], owner_org=other_agency["organization"]["id"])

    assert act("package_show", agency["editor"], id=dataset["id"])["owner_org"] == agency["organization"]["id"]


@pytest.mark.parametrize("role, status", [("editor", 200), ("admin", 200), ("member", 403), ("other", 403)])
def test_over_http_with_an_api_token(app: Any, agency: dict[str, Any], other_agency: dict[str, Any],
                                     role: str, status: int) -> None:
    user = other_agency["editor"] if role == "other" else agency[role]
    token = factories.APIToken(user=user["id"])["token"]

    response = app.post("/api/3/action/package_create", headers={"Authorization": token},
                        json=pm25_dataset_dict(owner_org=agency["organization"]["id"]))

    assert response.status_code == status, response.json
    assert response.json["success"] is (status == 200)
