"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it was sent, CKAN's smtp.* settings
pointed at it, and a province whose 24-hour mean the tests move across a threshold by storing
readings the way the harvester does (tests/readings/stations.py)."""
from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from aiosmtpd.controller import Controller
from ckan.tests import factories

from tests.conftest import serving
from tests.participation.requests_world import world  # noqa: F401  (the data requests' fixture)
from tests.participation.reports_world import reports_world, upstream  # noqa: F401  (the value reports')
from tests.participation.district_model import gistda_model  # noqa: F401  (the district alerts')
from tests.readings.stations import add_readings, create_station, this_hour

HOUR = timedelta(hours=1)
MAIL_FROM = "alerts@pm25.example.org"


@dataclass
class Received:
    """One message as the server got it: envelope recipients and the parsed message."""

    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Sink:
    """What the SMTP server received, and the recipients it refuses (550) until told otherwise."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    connections: int = 0

    def take(self) -> list[Received]:
        taken, self.received[:] = list(self.received), []
        return taken

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def fresh_client_limits() -> None:
    """Every test's visitors start the day with no requests counted (the counts live in Redis,
    which no database reset empties)."""
    from ckan.lib.redis import connect_to_redis

    redis = connect_to_redis()
    for key in redis.scan_iter("*pm25:*:client:*"):  # alerts and data requests
        redis.delete(key)


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    """aiosmtpd on 127.0.0.1, with CKAN's smtp.* settings pointing at it for this test."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{controller.port}")
    monkeypatch.setitem(tk.config, "smtp.mail_from", MAIL_FROM)
    monkeypatch.setitem(tk.config, "smtp.starttls", False)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def mailing_portal(smtp_server: Sink) -> Iterator[str]:
    """`ckan run` on the test configuration, sending its mail to the test's SMTP server (CKAN's
    environment variables), for the browser journeys."""
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CKAN_SITE_URL": site, "CKAN_SMTP_SERVER": str(tk.config["smtp.server"]),
           "CKAN_SMTP_MAIL_FROM": MAIL_FROM}
    with serving(site, f"participation-portal-{port}.log", env) as url:
        yield url


@dataclass
class Province:
    """A province with one station whose every reading of the last 24 hours is ``value``."""

    code: str
    station: dict[str, Any]
    user: dict[str, Any]
    now: datetime

    def set_mean(self, value: float) -> None:
        add_readings(self.station, {self.now - back * HOUR: value for back in range(24)}, self.user)


@pytest.fixture
def lampang(clean_db: None, clean_index: None, clean_datastore: None, with_plugins: None) -> Province:
    """Lampang (TH-52) at 20.0 µg/m³ over its last 24 hours: under the 37.5 standard."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
    now = this_hour()
    station = create_station("TH-52", "L1", {now - back * HOUR: 20.0 for back in range(24)}, user=sysadmin,
                             owner_org=org["id"], title="Lampang centre")
    return Province("TH-52", station, sysadmin, now)


_FORM_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: Any, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    found = _FORM_TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token in {path}"
    return found.group(1)


def subscribe(app: Any, fields: dict[str, str], prefix: str = "/en") -> Any:
    """A visitor's browser (its own cookies) opens the form and sends it."""
    client = app.test_client()
    token = csrf_token(client, f"{prefix}/pm25/alerts")
    return client.post(f"{prefix}/pm25/alerts", data={**fields, "_csrf_token": token})


def link_in(text: str, path: str) -> str:
    found = re.search(r"(https?://\S+" + re.escape(path) + r"\?token=[\w\-%]+)", text)
    assert found, f"no {path} link in:\n{text}"
    return found.group(1)


@contextmanager
def every_log_line(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Every log line of CKAN and the extensions at every level, filled in when the block ends:
    test.ini keeps them at WARNING or INFO, not propagated to the root, and its fileConfig
    disabled the loggers made before it."""
    silenced = [logger for name, logger in logging.root.manager.loggerDict.items()
                if name.startswith("ckan") and isinstance(logger, logging.Logger) and logger.disabled]
    for logger in silenced:
        logger.disabled = False
    for name in ("ckan", "ckanext"):
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(caplog.handler)
    lines: list[str] = []
    try:
        yield lines
    finally:
        for name in ("ckan", "ckanext"):
            logging.getLogger(name).removeHandler(caplog.handler)
        for logger in silenced:
            logger.disabled = True
        lines += [record.getMessage() for record in caplog.records if record.name.startswith(("ckan", "ckanext"))]
