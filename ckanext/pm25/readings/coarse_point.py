"""A person's location, coarse (issue 16): "My area" takes the browser's position, and neither
the page, the API answer nor any log (CKAN's, the WSGI server's, nginx's access log) may hold it
more precisely than two decimals of a degree (latitude: 1.1 km; longitude: at most 1.1 km). That
is a neighbourhood, not a house, and enough for what the page does with it: the nearest stations
are kilometres apart and the model's values are per district. Cut toward zero after the second
decimal everywhere (the browser, the action, the log filter and nginx's log format, which can
only cut a string), so the four agree on the same point."""
from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

DECIMALS = 2
_STEP = Decimal(1).scaleb(-DECIMALS)
# lat=13.756331 in a URL or a request line; 'lat': '13.756331' or "lat": 13.756331 in a logged dict
_PRECISE = re.compile(r"""(?P<head>\b(?:lat|lon)(?:=|['"]?\s*:\s*['"]?)[-+]?\d+\.\d{""" + str(DECIMALS) + r"})\d+")


def coarse(value: float | str) -> float:
    """``value`` (degrees) cut after the second decimal, toward zero."""
    try:
        return float(Decimal(str(value)).quantize(_STEP, rounding=ROUND_DOWN))
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error


def coarse_in_text(text: str) -> str:
    """``text`` with every lat or lon value in it cut after the second decimal."""
    return _PRECISE.sub(r"\g<head>", text)
