"""Comparing district names as people type them: with or without อำเภอ/เขต/Amphoe/Khet/District,
any case, any spacing."""
from __future__ import annotations

import unicodedata

_THAI_PREFIXES = ("อำเภอ", "อ.", "เขต", "ข.")
_LATIN_AFFIXES = ("amphoe", "amphur", "khet", "district")


def district_key(name: str) -> str:
    """NFC, case-folded, without spaces, punctuation or a district prefix/suffix."""
    text = unicodedata.normalize("NFC", name).strip()
    for prefix in _THAI_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    words = text.casefold().replace("-", " ").split()
    words = [word for word in words if word not in _LATIN_AFFIXES] or words
    return "".join(char for word in words for char in word if char.isalnum() or "\u0e00" <= char <= "\u0e7f")


def bare_district_name(name: str) -> str:
    """The name without its อำเภอ/เขต/Amphoe/Khet prefix or District suffix, for a sentence that
    says "district" itself."""
    text = unicodedata.normalize("NFC", name).strip()
    for prefix in (*_THAI_PREFIXES, "Amphoe ", "Khet "):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):].strip()
    if text.casefold().endswith(" district"):
        return text[:-len(" district")].strip()
    return text
