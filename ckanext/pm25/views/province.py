"""Province pages (/province/<code>)."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("pm25_province", __name__)
