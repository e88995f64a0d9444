"""Merge `msgid<TAB>msgstr` translation lists into a PO catalogue, or report what is untranslated.

    python dev/i18n_merge.py CATALOGUE.po LIST.txt...   fill the catalogue from the lists
    python dev/i18n_merge.py --core CKAN.po CATALOGUE.po LIST.txt...   also from CKAN's catalogue
    python dev/i18n_merge.py --combine TEMPLATE.pot OTHER.pot   add OTHER's messages to TEMPLATE
    python dev/i18n_merge.py --report CATALOGUE.po [--strict]

CKAN's own messages used in our templates (e.g. "Datasets") take CKAN's Thai translation, so the
catalogue is complete and says the same as CKAN's (ours is merged over CKAN's at run time).
`--combine` adds another extension's messages (ckanext-harvest's templates, which the portal
shows) to our template, so our catalogue translates them too.

In the lists, `\\t` and `\\n` stand for a tab and a newline; blank lines and lines starting with
`#` are skipped. A plural message is one line of three or more columns:
`msgid<TAB>msgid_plural<TAB>msgstr[0]` (then `<TAB>msgstr[1]`... for a language with more
forms; Thai has one). A list's translation replaces the catalogue's only where the catalogue has
none or marks it fuzzy, so a translation corrected in the catalogue is kept.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po


@dataclass(frozen=True)
class Entry:
    """One line of a list: the plural msgid (None for a singular message) and the msgstr(s)."""

    plural: str | None
    forms: tuple[str, ...]


def _unescape(text: str) -> str:
    return text.replace("\\t", "\t").replace("\\n", "\n")


def read_list(path: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = [_unescape(column) for column in line.split("\t")]
        if len(columns) < 2:
            print(f"{path}:{number}: no tab between msgid and msgstr, skipped", file=sys.stderr)
            continue
        if len(columns) == 2:
            entries[columns[0]] = Entry(None, (columns[1],))
        else:
            entries[columns[0]] = Entry(columns[1], tuple(columns[2:]))
    return entries


def _load(path: Path, locale: str | None = "th") -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def translated(message: Message) -> bool:
    """Whether every form of ``message`` has a translation that is not fuzzy."""
    if message.fuzzy or not message.string:
        return False
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return True


def _fill(message: Message, entry: Entry, num_plurals: int, where: str) -> bool:
    if message.pluralizable:
        if entry.plural is None:
            print(f"{where}: {message.id[0]!r} is a plural message: write "
                  "msgid<TAB>msgid_plural<TAB>msgstr", file=sys.stderr)
            return False
        if entry.plural != message.id[1]:
            print(f"{where}: the plural of {message.id[0]!r} is {message.id[1]!r}, "
                  f"not {entry.plural!r}", file=sys.stderr)
            return False
        if len(entry.forms) != num_plurals:
            print(f"{where}: {message.id[0]!r} needs {num_plurals} form(s), "
                  f"{len(entry.forms)} given", file=sys.stderr)
            return False
        message.string = entry.forms
    else:
        if entry.plural is not None:
            print(f"{where}: {message.id!r} is not a plural message in the code", file=sys.stderr)
            return False
        message.string = entry.forms[0]
    message.flags.discard("fuzzy")
    return True


def merge(po_path: Path, lists: list[Path], core_path: Path | None = None) -> int:
    catalog = _load(po_path)
    filled = 0
    if core_path is not None and core_path.is_file():
        core = _load(core_path)
        for message in catalog:
            known = core.get(message.id) if message.id else None
            if (known is not None and translated(known) and known.pluralizable == message.pluralizable
                    and not translated(message)):
                message.string = known.string
                message.flags.discard("fuzzy")
                filled += 1
    for list_path in lists:
        for msgid, entry in read_list(list_path).items():
            message = catalog.get(msgid)
            if message is None:
                print(f"{list_path.name}: not in the code (any more): {msgid!r}", file=sys.stderr)
                continue
            if not translated(message) and _fill(message, entry, catalog.num_plurals, list_path.name):
                filled += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_by_file=True)
    print(f"merged {filled} translations from {len(lists)} list(s) into {po_path}")
    return 0


def combine(template_path: Path, other_path: Path) -> int:
    """Add the messages of ``other_path`` (a .pot) that ``template_path`` lacks, with their
    source locations; a message in both keeps ours and gains the other's locations."""
    template, other = _load(template_path, None), _load(other_path, None)
    added = 0
    for message in other:
        if not message.id:
            continue
        ours = template.get(message.id)
        if ours is None:
            template[message.id] = message
            added += 1
        else:
            ours.locations = [*ours.locations, *message.locations]
    with template_path.open("wb") as handle:
        write_po(handle, template, width=100, sort_by_file=True)
    print(f"added {added} messages of {other_path.name} to {template_path}")
    return 0


def report(po_path: Path, strict: bool) -> int:
    catalog = _load(po_path)
    missing = [message.id for message in catalog if message.id and not translated(message)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(missing)} of {len([m for m in catalog if m.id])} messages untranslated in {po_path}")
    return 1 if strict and missing else 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--report":
        return report(Path(argv[1]), strict="--strict" in argv[2:])
    if argv and argv[0] == "--combine":
        return combine(Path(argv[1]), Path(argv[2]))
    core = None
    if argv[:1] == ["--core"]:
        core, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return merge(Path(argv[0]), [Path(name) for name in argv[1:] if Path(name).is_file()], core)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
