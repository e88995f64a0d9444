"""Fixtures of the harvester tests."""
from __future__ import annotations

import pytest

from ckanext.harvest import queue


@pytest.fixture
def clean_queues() -> None:
    """Empty this site's harvest gather and fetch queues in Redis (the slot's own database)."""
    queue.purge_queues()
