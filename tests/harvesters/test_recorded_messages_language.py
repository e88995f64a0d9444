"""The errors our harvesters record, on the job page in the reader's language (Thai under ``/``,
English under ``/en/``) while the API keeps the stored English text; upstream text quoted in a
message stays as it came."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories

from tests.harvesters.harvesting import make_source, now_thai_hour, object_messages, report, run_job
from tests.harvesters.test_admin_language import visible_text
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

FAST = {"retries": 1, "backoff_factor": 0, "read_timeout": 1.5, "connect_timeout": 1.5}


def test_a_recorded_fault_is_thai_on_the_thai_job_page_and_english_in_the_api_and_under_en(
        app: Any, allow_upstream: Any) -> None:
    with Air4ThaiServer(now_local=now_thai_hour(), hours=2) as server:
        allow_upstream(server.url)
        server.fail_next(server.HISTORY, 2)
        source = make_source(server.url, "pm25_air4thai", FAST, name="pcd-faulty")
        job = run_job(source)
    [(_, [stored])] = object_messages(job).items()
    assert stored.startswith("Could not fetch the hourly history: http_status: HTTP 500")
    assert "; the latest snapshot value is stored instead" in stored
    api = [error["message"] for errors in report(job)["object_errors"].values() for error in errors["errors"]]
    assert api == [stored]  # the API gives the stored English text

    token = factories.SysadminWithToken()["token"]
    page = f"/harvest/{source['name']}/job/{job['id']}"
    thai = visible_text(app, page, token)
    english = visible_text(app, "/en" + page, token)

    assert "ดึงข้อมูลย้อนหลังรายชั่วโมงไม่ได้: http_status: HTTP 500" in thai  # the report and the summary
    assert "เก็บค่าล่าสุดจากภาพรวมแทน" in thai
    assert "Could not fetch" not in thai and "snapshot value" not in thai
    assert "Could not fetch the hourly history: http_status: HTTP 500" in english
    assert "the latest snapshot value is stored instead" in english
    assert "ดึงข้อมูล" not in english
