"""Error types of the gazetteer, carrying translatable messages.

Messages are English msgid templates with ``%(name)s`` placeholders. They are marked
with :func:`ckanext.pm25.common.messages.N_` so Babel extracts them; the CKAN layer translates ``error.message``
with ``toolkit._`` and then interpolates ``error.params``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class GeoError(ValueError):
    """Base error: a msgid template, its parameters and a stable machine-readable code."""

    def __init__(self, message: str, params: Mapping[str, Any] | None = None, *, code: str) -> None:
        self.message = message
        self.params: dict[str, Any] = dict(params or {})
        self.code = code
        super().__init__(self.render())

    def render(self) -> str:
        """The English message with its parameters filled in."""
        try:
            return self.message % self.params
        except (KeyError, TypeError, ValueError):
            return self.message


class GeometryError(GeoError):
    """A geometry given by a user, an API client or a harvested record is refused."""


class CRSError(GeometryError):
    """A coordinate reference system is unknown or not accepted."""


class BoundaryError(GeoError):
    """A boundary file cannot be used as the province boundaries; says what is wrong with it."""

    def __init__(
        self,
        message: str,
        params: Mapping[str, Any] | None = None,
        *,
        code: str,
        problems: Sequence[str] = (),
        missing_codes: Sequence[str] = (),
        unknown_codes: Sequence[str] = (),
        invalid_codes: Sequence[str] = (),
    ) -> None:
        super().__init__(message, params, code=code)
        self.problems = list(problems)
        self.missing_codes = list(missing_codes)
        self.unknown_codes = list(unknown_codes)
        self.invalid_codes = list(invalid_codes)
