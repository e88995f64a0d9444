"""(filled by its owner)"""
from __future__ import annotations

from typing import Any, Callable

ACTIONS: dict[str, Callable[..., Any]] = {}
AUTH: dict[str, Callable[..., Any]] = {}
