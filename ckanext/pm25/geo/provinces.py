"""The 77 provinces of Thailand: codes, names, aliases, regions; lookups by code and name."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The six-region scheme of the National Geographical Committee (1977).
REGIONS: dict[str, dict[str, str]] = {
    "north": {"th": "ภาคเหนือ", "en": "North"},
    "northeast": {"th": "ภาคตะวันออกเฉียงเหนือ", "en": "Northeast"},
    "central": {"th": "ภาคกลาง", "en": "Central"},
    "east": {"th": "ภาคตะวันออก", "en": "East"},
    "west": {"th": "ภาคตะวันตก", "en": "West"},
    "south": {"th": "ภาคใต้", "en": "South"},
}

_THAI_PREFIXES = ("จังหวัด", "จ.")
_LATIN_AFFIXES = ("province", "changwat")
# Names that are also everyday Thai words (เลย "at all", แพร่ "spread", ตาก "to dry", น่าน
# the river) or parts of other place names (อุบลรัตน์ dam, ตากใบ district): in free text
# they count only right after จังหวัด / จ.
_AMBIGUOUS_THAI = frozenset({"เลย", "แพร่", "ตาก", "น่าน", "อุบล", "อุดร"})
# English names that are also common tokens ("NaN", "tak"): in free text only as written
# with a capital initial.
_AMBIGUOUS_LATIN = frozenset({"nan", "tak"})

_CODE_PATTERN = re.compile(r"^(?:TH)?[\s_-]?0*(\d{1,2})$", re.IGNORECASE)
_THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")


@dataclass(frozen=True)
class Province:
    code: str
    dopa: str
    name_th: str
    name_en: str
    aliases: tuple[str, ...]
    region: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "name_th": self.name_th, "name_en": self.name_en, "region": self.region}

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling this province is known by: official names first, then aliases."""
        return (self.name_th, self.name_en, *self.aliases)


def _read_table() -> tuple[Province, ...]:
    text = resources.files(__package__).joinpath("data").joinpath("provinces.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Province(
            code=row["code"],
            dopa=row["dopa"],
            name_th=row["name_th"],
            name_en=row["name_en"],
            aliases=tuple(alias for alias in row["aliases"].split("|") if alias),
            region=row["region"],
        )
        for row in rows
    )


@cache
def all_provinces() -> tuple[Province, ...]:
    """All 77 provinces, ordered by code."""
    return tuple(sorted(_read_table(), key=lambda province: province.code))


@cache
def _by_code() -> dict[str, Province]:
    return {province.code: province for province in all_provinces()}


def known_codes() -> frozenset[str]:
    return frozenset(_by_code())


def normalise_code(value: str | int | None) -> str | None:
    """``TH-52``, ``TH52``, ``th 52``, ``52`` or ``52`` (int) to ``TH-52``; None if not a province."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    match = _CODE_PATTERN.match(value.strip())
    if match is None:
        return None
    code = f"TH-{int(match.group(1)):02d}"
    return code if code in _by_code() else None


def by_code(value: str | int | None) -> Province | None:
    code = normalise_code(value)
    return _by_code()[code] if code else None


def _strip_affixes(text: str) -> str:
    for prefix in _THAI_PREFIXES:
        text = text.removeprefix(prefix)
    lowered = text.casefold()
    for affix in _LATIN_AFFIXES:
        if lowered.startswith((affix + " ", affix + "-")):
            text = text[len(affix) + 1:]
            lowered = lowered[len(affix) + 1:]
        if lowered.endswith(" " + affix):
            text = text[: -len(affix) - 1]
            lowered = lowered[: -len(affix) - 1]
    return text


def name_key(name: str) -> str:
    """Comparison key: NFC, case-folded, without spaces, punctuation, ฯ or a province prefix/suffix."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", name)).strip()
    text = _strip_affixes(text)
    kept = (char for char in text.casefold() if char.isalnum() or "\u0e00" <= char <= "\u0e7f")
    return "".join(kept).replace("ฯ", "")


@cache
def _by_name_key() -> dict[str, Province]:
    index: dict[str, Province] = {}
    for province in all_provinces():
        for name in province.names:
            key = name_key(name)
            existing = index.setdefault(key, province)
            if existing is not province:
                raise ValueError(f"Province name {name!r} is used by {existing.code} and {province.code}")
    return index


def by_name(name: str) -> Province | None:
    """A province by Thai or English name or alias, ignoring case, spacing and จังหวัด/Province."""
    return _by_name_key().get(name_key(name))


def find_province(value: str | int | None) -> Province | None:
    """A province by code or by name: whatever an upstream record happened to carry."""
    if value is None:
        return None
    return by_code(value) or (by_name(value) if isinstance(value, str) else None)


def provinces_in_region(region: str) -> tuple[Province, ...]:
    if region not in REGIONS:
        raise KeyError(region)
    return tuple(province for province in all_provinces() if province.region == region)


@dataclass(frozen=True)
class _TextPattern:
    length: int
    regex: re.Pattern[str]
    province: Province


def _latin_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(r"[\s\-_.]+", name.strip()) if word]
    body = r"[\s\-_.]*".join(words)
    flags = 0 if name_key(name) in _AMBIGUOUS_LATIN else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])", flags)


def _thai_pattern(name: str) -> re.Pattern[str]:
    body = re.escape(name)
    if name_key(name) in _AMBIGUOUS_THAI:
        return re.compile(rf"(?:จังหวัด|จ\.)\s*({body})")
    return re.compile(body)


@cache
def _text_patterns() -> tuple[_TextPattern, ...]:
    patterns: dict[tuple[str, str], _TextPattern] = {}
    for province in all_provinces():
        for name in province.names:
            is_thai = bool(_THAI_CHAR.search(name))
            # Thai text in titles rarely carries ฯ or a trailing dot consistently.
            spelling = name.replace("ฯ", "") if is_thai else name
            regex = _thai_pattern(spelling) if is_thai else _latin_pattern(spelling)
            patterns.setdefault((regex.pattern, province.code), _TextPattern(len(spelling), regex, province))
    # Longest first, so "นครศรีธรรมราช" is taken before any shorter name could match inside it.
    return tuple(sorted(patterns.values(), key=lambda pattern: -pattern.length))


def find_provinces_in_text(text: str) -> list[Province]:
    """Provinces named in free text (titles, tags, descriptions), in order of first mention.

    Thai is written without spaces between words, so Thai names are found as substrings;
    a span claimed by a longer name is not searched again for shorter ones.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))
    claimed = [False] * len(text)
    first_seen: dict[str, tuple[int, Province]] = {}
    for pattern in _text_patterns():
        for match in pattern.regex.finditer(text):
            start, end = match.span(match.lastindex or 0)
            if any(claimed[start:end]):
                continue
            claimed[start:end] = [True] * (end - start)
            seen = first_seen.get(pattern.province.code)
            if seen is None or start < seen[0]:
                first_seen[pattern.province.code] = (start, pattern.province)
    return [province for _, province in sorted(first_seen.values(), key=lambda item: item[0])]


def provinces_by_codes(codes: Iterable[str]) -> list[Province]:
    """Provinces for codes in any accepted form, skipping unknown ones, without duplicates."""
    found: dict[str, Province] = {}
    for value in codes:
        province = by_code(value)
        if province is not None:
            found.setdefault(province.code, province)
    return list(found.values())
