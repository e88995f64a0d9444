"""Keeping requesters' addresses out of CKAN's log (issue 17). CKAN's API view logs every
call's data at DEBUG ("Request data extracted: {...}", ckan/views/api.py), so a data request
made by e-mail through the API would write its address there. A filter on that logger writes
"(withheld)" for the value of any ``email`` field instead; the rest of the line stays."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

API_LOGGER = "ckan.views.api"
WITHHELD = "(withheld)"


class AddressRedaction(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # a lone dict argument is kept by LogRecord as ``args`` itself, not in a tuple
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        else:
            record.args = _redacted(record.args)
        return True


def _has_email(value: Any) -> bool:
    return isinstance(value, Mapping) and "email" in value


def _redacted(value: Any) -> Any:
    return {**value, "email": WITHHELD} if _has_email(value) else value


def install() -> None:
    """Add the filter to CKAN's API logger once."""
    logger = logging.getLogger(API_LOGGER)
    if not any(isinstance(found, AddressRedaction) for found in logger.filters):
        logger.addFilter(AddressRedaction())
