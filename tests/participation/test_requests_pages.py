"""The data requests' pages as people meet them, Thai at / and English at /en/: the new-request
form (sign-in, CSRF, refusals in the page's language with what was typed kept and nothing
stored), the public list with filters and its CSV, a request's page with its timeline and the
forms of the steps its reader may take, and the agency's queue."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

from tests.participation.conftest import Sink, csrf_token
from tests.participation.requests_world import PASSWORD, World, call, new_request

FORM = {"title": "Hourly PM2.5 of Mae Moh 2023", "description": "The hourly readings.", "provinces": "TH-52",
        "period_start": "2023-01-01", "period_end": "2023-12-31", "agency": "pcd", "language": "en"}


def words(response: Any) -> str:
    body = response.get_data(as_text=True).split("<body", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def signed_in(app: Any, world: World, role: str) -> Any:
    client = app.test_client()
    client.post("/en/user/login", data={"login": world.name(role), "password": PASSWORD,
                                        "_csrf_token": csrf_token(client, "/en/user/login")})
    return client


def test_the_form_asks_a_visitor_for_an_address_or_to_sign_in(app: Any, world: World) -> None:
    answer = app.test_client().get("/en/pm25/requests/new")
    text = words(answer)
    assert answer.status_code == 200 and "Your e-mail address (never shown)" in text and "Or sign in" in text
    assert "Your e-mail address (never shown)" not in words(signed_in(app, world, "requester").get(
        "/en/pm25/requests/new"))


def test_a_citizen_asks_for_data_and_sees_it_on_its_page(app: Any, world: World) -> None:
    client = signed_in(app, world, "requester")
    token = csrf_token(client, "/en/pm25/requests/new")
    sent = client.post("/en/pm25/requests/new", data={**FORM, "_csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"])
    text = words(page)
    assert "Hourly PM2.5 of Mae Moh 2023" in text and "waiting for the agency" in text
    assert "Request submitted" in text and "กรมควบคุมมลพิษ" in text
    assert "Support this request" not in text  # not one's own
    assert "requester@example.org" not in page.get_data(as_text=True)


def test_a_post_without_the_csrf_token_stores_nothing(app: Any, world: World) -> None:
    client = signed_in(app, world, "requester")
    refused = client.post("/en/pm25/requests/new", data=FORM)
    assert refused.status_code in (400, 403)
    assert call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"] == 0


def test_bad_input_is_refused_in_the_pages_language_and_what_was_typed_is_kept(app: Any, world: World) -> None:
    client = signed_in(app, world, "requester")
    for prefix, expected in (("/en", ["Please choose at least one province.",
                                       "Please give a date as YYYY-MM-DD (Gregorian calendar)."]),
                             ("", ["โปรดเลือกอย่างน้อยหนึ่งจังหวัด", "โปรดระบุวันที่แบบ ปปปป-ดด-วว"])):
        bad = {**FORM, "provinces": "", "period_start": "1 Jan 2023", "title": "ฝุ่นแม่เมาะ"}
        answer = client.post(f"{prefix}/pm25/requests/new",
                             data={**bad, "_csrf_token": csrf_token(client, f"{prefix}/pm25/requests/new")})
        assert answer.status_code == 400
        for message in expected:
            assert message in words(answer)
        assert 'value="ฝุ่นแม่เมาะ"' in answer.get_data(as_text=True)
    assert call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"] == 0


def test_the_agency_answers_on_the_page_and_the_requester_is_told(
        app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    smtp_server.take()  # the agency's mails of its arrival
    page_path = f"/en/pm25/requests/{made['id']}"
    assert "Answer with datasets" not in words(signed_in(app, world, "agency_member").get(page_path))
    assert "Answer with datasets" not in words(signed_in(app, world, "other_agency_editor").get(page_path))
    editor = signed_in(app, world, "agency_editor")
    assert "Answer with datasets" in words(editor.get(page_path))

    wrong = editor.post(f"{page_path}/answer", data={"datasets": "no-such-dataset",
                                                    "_csrf_token": csrf_token(editor, page_path)})
    assert wrong.status_code == 400 and "There is no public dataset no-such-dataset." in words(wrong)
    done = editor.post(f"{page_path}/answer", data={
        "datasets": "http://localhost/dataset/lampang-hourly-2024", "message": "Published.",
        "_csrf_token": csrf_token(editor, page_path)}, follow_redirects=False)
    assert done.status_code == 302
    public = words(app.test_client().get(page_path))
    assert "Answered with datasets" in public and "Lampang hourly PM2.5 2024" in public and "Published." in public
    thai = words(app.test_client().get(f"/pm25/requests/{made['id']}"))
    assert "ตอบด้วยชุดข้อมูล" in thai
    [mail] = smtp_server.take()
    assert mail.recipients == ["requester@example.org"]


def test_others_support_a_request_once_from_its_page(app: Any, world: World) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    page_path = f"/en/pm25/requests/{made['id']}"
    client = signed_in(app, world, "other_user")
    for _ in range(2):
        client.post(f"{page_path}/support", data={"_csrf_token": csrf_token(client, page_path)})
    text = words(client.get(page_path))
    assert "1 supporter" in text and "You support this request" in text


def test_the_public_list_filters_and_its_csv(app: Any, world: World) -> None:
    call(app, world, "requester", "pm25_data_request_create", new_request())
    call(app, world, "requester", "pm25_data_request_create", new_request(title="Chiang Mai hotspots",
                                                                        provinces=["TH-50"], agency="gistda"))
    listed = words(app.test_client().get("/en/pm25/requests?province=TH-50"))
    assert "Chiang Mai hotspots" in listed and "Mae Moh" not in listed and "1 request" in listed
    assert "How agencies answer (target: 15 days)" in listed
    assert "คำขอข้อมูล" in words(app.test_client().get("/pm25/requests"))
    refused = app.test_client().get("/en/pm25/requests?status=lost")
    assert refused.status_code == 400 and "Please choose a status from the list." in words(refused)
    download = app.test_client().get("/en/pm25/requests.csv?agency=pcd")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["title"], row["agency"], row["provinces"], row["status"]) for row in rows] == [
        ("Hourly PM2.5 of Mae Moh 2023", "pcd", "TH-52", "open")]


def test_the_agencys_queue_oldest_or_most_supported_first_for_its_editors(app: Any, world: World) -> None:
    first = call(app, world, "requester", "pm25_data_request_create", new_request(title="First asked"))["result"]
    second = call(app, world, "requester", "pm25_data_request_create", new_request(title="Second asked"))["result"]
    call(app, world, "other_user", "pm25_data_request_support", {"id": second["id"]})
    call(app, world, "agency_editor", "pm25_data_request_answer",
         {"id": call(app, world, "requester", "pm25_data_request_create", new_request(title="Done"))["result"]["id"],
          "datasets": ["lampang-hourly-2024"]})
    editor = signed_in(app, world, "agency_editor")
    assert "Requests waiting for กรมควบคุมมลพิษ" in words(editor.get("/en/pm25/requests"))
    assert "Requests waiting for" not in words(signed_in(app, world, "agency_member").get("/en/pm25/requests"))
    oldest = words(editor.get("/en/pm25/requests/queue/pcd"))
    assert oldest.index("First asked") < oldest.index("Second asked") and "Done" not in oldest
    supported = words(editor.get("/en/pm25/requests/queue/pcd?order=supported"))
    assert supported.index("Second asked") < supported.index("First asked")
    assert signed_in(app, world, "other_agency_editor").get("/en/pm25/requests/queue/pcd").status_code == 403
    assert first["id"]



def test_a_supporter_withdraws_and_the_requester_deletes_what_they_gave(app: Any, world: World) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    page_path = f"/en/pm25/requests/{made['id']}"
    supporter = signed_in(app, world, "other_user")
    supporter.post(f"{page_path}/support", data={"_csrf_token": csrf_token(supporter, page_path)})
    supporter.post(f"{page_path}/unsupport", data={"_csrf_token": csrf_token(supporter, page_path)})
    assert "0 supporters" in words(supporter.get(page_path))

    requester = signed_in(app, world, "requester")
    requester.post(f"{page_path}/delete", data={"_csrf_token": csrf_token(requester, page_path)})
    assert app.test_client().get(page_path).status_code == 404
    assert call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"] == 0
