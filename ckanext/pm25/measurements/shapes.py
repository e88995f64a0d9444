"""The shape of a store table the bulk merge writes (``bulk.py``) and ``datastore_create`` makes
(``store.py``): its columns with their SQL types, the natural key a re-run merges on, the text
columns indexed as words, and how a record becomes a COPY line. Two shapes so far: hourly
measurements (a series × parameter × hour) and hotspots (fire detections, events). Pure: no CKAN."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TableShape:
    """``column_types`` in :attr:`columns` order (PostgreSQL types of the staging table);
    ``not_null`` the columns a line always fills; ``words`` the text columns whose words go into
    ``_full_text`` (parsed once per distinct combination in a batch), ``numbers`` those added as
    lexemes; ``fields``/``indexes`` what ``datastore_create`` gets."""

    name: str
    column_types: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    not_null: frozenset[str]
    words: tuple[str, ...]
    numbers: tuple[str, ...]
    fields: tuple[Mapping[str, Any], ...]
    indexes: tuple[str, ...]
    copy_lines: Callable[[Iterable[Any]], Iterator[str]]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.column_types)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(column for column in self.columns if column not in self.key)
