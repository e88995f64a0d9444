"""No precise location in the portal's own logs (issue 16, coarse_point.py): a filter on the
loggers that write a request's URL or data (the development server's request line, CKAN's API
debug log of each call's data) cuts any lat or lon in the line after its second decimal. The
answer is already computed for the cut point (the action cuts it), so the log says what was used.
nginx's access log gets the same cut from its log format (dev/serve.sh)."""
from __future__ import annotations

import logging

from ckanext.pm25.readings.coarse_point import coarse_in_text

LOGGERS = ("werkzeug", "ckan.views.api")


class PointCoarsening(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        line = record.getMessage()
        coarse = coarse_in_text(line)
        if coarse != line:
            record.msg, record.args = coarse, ()
        return True


def install() -> None:
    """Add the filter to each logger once."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(found, PointCoarsening) for found in logger.filters):
            logger.addFilter(PointCoarsening())
