"""The site's clock of the portals the browser tests start, held where the test holds its own.

A test that pins ``hooks.now`` (a module's readings built for one hour, so that a run across the
turn of an hour does not move its "last 24 hours" under its data) pins only its own process; the
portal it reads pages from is another one (`ckan run`). That portal is started through this
script in place of the `ckan` command, and its ``hooks.now`` reads the instant the test holds from
a file (``hold``), never later than the real time; with no file held it is the real clock.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

CLOCK_FILE = "PM25_TEST_PORTAL_CLOCK"


def clock_file() -> Path:
    """The file the portals started by this test process read their clock from."""
    return Path(tempfile.gettempdir()) / f"pm25-portal-clock-{os.getpid()}"


@contextmanager
def hold(latest: datetime) -> Iterator[None]:
    """The portals' clock goes no further than ``latest`` while this lasts."""
    path = clock_file()
    path.write_text(latest.isoformat())
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def held(real: Callable[[], datetime], path: Path) -> Callable[[], datetime]:
    def now() -> datetime:
        try:
            text = path.read_text().strip()
        except FileNotFoundError:
            text = ""
        current = real()
        return min(current, datetime.fromisoformat(text)) if text else current
    return now


def main() -> int:
    sys.path.pop(0)  # this folder: its modules must not shadow anything the portal imports
    from ckan.cli.cli import ckan
    from ckanext.pm25.readings import hooks

    path = os.environ.get(CLOCK_FILE)
    if path:
        hooks.now = held(hooks.now, Path(path))
    sys.argv[0] = "ckan"
    return int(ckan() or 0)


if __name__ == "__main__":
    sys.exit(main())
