"""Merge `msgid<TAB>msgstr` translation lists into a PO catalogue, or report what is untranslated.

    python dev/i18n_merge.py CATALOGUE.po LIST.txt...   fill the catalogue from the lists
    python dev/i18n_merge.py --core CKAN.po CATALOGUE.po LIST.txt...   also from CKAN's catalogue
    python dev/i18n_merge.py --report CATALOGUE.po [--strict]

CKAN's own messages used in our templates (e.g. "Datasets") take CKAN's Thai translation, so the
catalogue is complete and says the same as CKAN's (ours is merged over CKAN's at run time).

In the lists, `\\t` and `\\n` stand for a tab and a newline; blank lines and lines starting with
`#` are skipped. A list's translation replaces the catalogue's only where the catalogue has none
or marks it fuzzy, so a translation corrected in the catalogue is kept.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def _unescape(text: str) -> str:
    return text.replace("\\t", "\t").replace("\\n", "\n")


def read_list(path: Path) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            print(f"{path}:{number}: no tab between msgid and msgstr, skipped", file=sys.stderr)
            continue
        msgid, msgstr = line.split("\t", 1)
        pairs[_unescape(msgid)] = _unescape(msgstr)
    return pairs


def _load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="th")


def merge(po_path: Path, lists: list[Path], core_path: Path | None = None) -> int:
    catalog = _load(po_path)
    filled = 0
    if core_path is not None and core_path.is_file():
        core = _load(core_path)
        for message in catalog:
            known = core.get(message.id) if message.id else None
            if known is not None and known.string and not known.fuzzy and (not message.string or message.fuzzy):
                message.string = known.string
                message.flags.discard("fuzzy")
                filled += 1
    for list_path in lists:
        for msgid, msgstr in read_list(list_path).items():
            message = catalog.get(msgid)
            if message is None:
                print(f"{list_path.name}: not in the code (any more): {msgid!r}", file=sys.stderr)
                continue
            if not message.string or message.fuzzy:
                message.string = msgstr
                message.flags.discard("fuzzy")
                filled += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_by_file=True)
    print(f"merged {filled} translations from {len(lists)} list(s) into {po_path}")
    return 0


def report(po_path: Path, strict: bool) -> int:
    catalog = _load(po_path)
    missing = [message.id for message in catalog if message.id and (not message.string or message.fuzzy)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(missing)} of {len([m for m in catalog if m.id])} messages untranslated in {po_path}")
    return 1 if strict and missing else 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--report":
        return report(Path(argv[1]), strict="--strict" in argv[2:])
    core = None
    if argv[:1] == ["--core"]:
        core, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return merge(Path(argv[0]), [Path(name) for name in argv[1:] if Path(name).is_file()], core)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
