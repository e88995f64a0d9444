"""ckanext-harvest's pages in the request's language: Thai under ``/`` (our catalogue carries
Thai for ckanext-harvest's messages, CKAN merging the catalogues of all plugins), English under
``/en/``; our harvesters' types titled in Thai in the source form."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from ckan.tests import factories

from tests.harvesters.harvesting import make_source, now_thai_hour, run_job
from tests.upstream import DEFAULT_STATIONS, Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

ENGLISH = ("Harvest Sources", "Reharvest", "Last Harvest Job", "Job Report", "Error Summary",
           "Air4Thai (PCD) PM2.5 stations", "Agency CKAN catalogue (PM2.5 datasets)", "Frequency",
           "harvest found", "harvest source found", "View full job report", "No errors for this job",
           "Update frequency", "Monthly")


def visible_text(app: Any, url: str, token: str) -> str:
    """The words and tooltips a reader sees: no scripts, tags or entities, spaces collapsed."""
    response = app.get(url, headers={"Authorization": token})
    assert response.status_code == 200, url
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True))
    page = re.sub(r'<[^>]*?\btitle="([^"]*)"[^>]*>', r" \1 ", page)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_harvest_pages_are_thai_under_the_default_locale_and_english_under_en(
        app: Any, allow_upstream: Any) -> None:
    with Air4ThaiServer(DEFAULT_STATIONS[:1], now_local=now_thai_hour(), hours=2) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai", name="pcd-stations")
        job = run_job(source)
    assert job["status"] == "Finished"
    token = factories.SysadminWithToken()["token"]
    pages = {
        "sources": "/harvest",
        "source": f"/harvest/{source['name']}",
        "admin": f"/harvest/admin/{source['name']}",
        "jobs": f"/harvest/{source['name']}/job",
        "job": f"/harvest/{source['name']}/job/{job['id']}",
        "form": "/harvest/new",
        "nothing found": "/harvest?q=nothing-matches",
    }
    thai = {name: visible_text(app, url, token) for name, url in pages.items()}
    english = {name: visible_text(app, "/en" + url, token) for name, url in pages.items()}

    for name, text in thai.items():
        assert not [phrase for phrase in ENGLISH if phrase in text], name
    assert "พบแหล่งเก็บเกี่ยวข้อมูล 1 แหล่ง" in thai["sources"] and "ความถี่" in thai["sources"]
    assert "แหล่งเก็บเกี่ยวข้อมูลนี้ไม่มีคำอธิบาย" in thai["source"]
    assert "งานเก็บเกี่ยวข้อมูลล่าสุด" in thai["admin"] and "เก็บเกี่ยวข้อมูลใหม่" in thai["admin"]
    assert "0 ข้อผิดพลาด" in thai["admin"] and "ดูรายงานงานฉบับเต็ม" in thai["admin"]
    assert "งานเก็บเกี่ยวข้อมูล" in thai["jobs"] and "เริ่ม:" in thai["jobs"]
    assert "รายงานงานเก็บเกี่ยวข้อมูล" in thai["job"] and "สรุปข้อผิดพลาด" in thai["job"]
    assert "งานนี้ไม่มีข้อผิดพลาด" in thai["job"] and "สถานะ เสร็จสิ้น" in thai["job"]
    assert "สถานีตรวจวัด PM2.5 ของ Air4Thai (กรมควบคุมมลพิษ)" in thai["form"]
    assert "แคตตาล็อก CKAN ของหน่วยงาน (ชุดข้อมูล PM2.5)" in thai["form"]
    assert "ค่า PM2.5 รายชั่วโมงจากสถานีตรวจวัดของกรมควบคุมมลพิษ" in thai["form"]  # the tooltip
    assert "ความถี่ในการปรับปรุง" in thai["form"] and "รายเดือน" in thai["form"]

    assert "Harvest Sources" in english["sources"] and "1 harvest source found" in english["sources"]
    assert "Frequency" in english["sources"]
    assert 'ไม่พบแหล่งเก็บเกี่ยวข้อมูลสำหรับ "nothing-matches"' in thai["nothing found"]
    assert 'No harvest sources found for "nothing-matches"' in english["nothing found"]
    assert "There is no description for this harvest source" in english["source"]
    assert "Last Harvest Job" in english["admin"] and "Reharvest" in english["admin"]
    assert "0 errors" in english["admin"] and "View full job report" in english["admin"]
    assert "Job Report" in english["job"] and "Error Summary" in english["job"]
    assert "No errors for this job" in english["job"] and "Status Finished" in english["job"]
    assert "Air4Thai (PCD) PM2.5 stations" in english["form"]
    assert "Agency CKAN catalogue (PM2.5 datasets)" in english["form"]
    assert "Update frequency" in english["form"] and "Monthly" in english["form"]
