"""The national PM2.5 dashboard (/pm25) and downloads."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("pm25_dashboard", __name__)
