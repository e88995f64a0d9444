"""Marking translatable messages in code that must not import CKAN.

A refused value raises an error carrying an English msgid template (``%(name)s`` placeholders)
and its parameters; the CKAN layer translates the msgid with ``toolkit._`` when it shows it.
:func:`N_` marks the msgid so Babel extracts it (``N_`` is one of the keywords in setup.cfg and
dev/i18n.sh) without translating it where it is written.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message
