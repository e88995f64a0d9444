"""Prints the literal blocks of one README.rst section, for dev/test_readme.sh to run as written.

Usage: python dev/readme_blocks.py README.rst "SECTION TITLE" [BLOCK_NUMBER]

Without a number it prints how many literal blocks the section has; with one (from 1) it prints
that block, dedented. A literal block is what follows a paragraph ending in ``::``: its first line
sets its indentation, and it ends at the first line indented less (a list item's next paragraph).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path


def section_lines(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        underline = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() == title and underline and set(underline) == {"="}:
            body = lines[index + 2:]
            for end, candidate in enumerate(body[1:], start=1):
                if candidate and set(candidate) == {"="} and body[end - 1].strip():
                    return body[:end - 1]
            return body
    raise SystemExit(f"README has no section {title!r}")


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def literal_blocks(lines: list[str]) -> list[str]:
    blocks: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.rstrip().endswith("::"):
            block: list[str] = []
            index += 1
            body = next((candidate for candidate in lines[index:] if candidate.strip()), "")
            depth = indentation(body)
            while index < len(lines) and (not lines[index].strip() or indentation(lines[index]) >= depth):
                block.append(lines[index])
                index += 1
            if any(part.strip() for part in block):
                blocks.append(textwrap.dedent("\n".join(block)).strip("\n") + "\n")
            continue
        index += 1
    return blocks


def main(arguments: list[str]) -> None:
    readme, title = Path(arguments[0]), arguments[1]
    blocks = literal_blocks(section_lines(readme.read_text(encoding="utf-8"), title))
    if len(arguments) < 3:
        print(len(blocks))
        return
    number = int(arguments[2])
    if not 1 <= number <= len(blocks):
        raise SystemExit(f"section {title!r} has {len(blocks)} literal blocks, not {number}")
    sys.stdout.write(blocks[number - 1])


if __name__ == "__main__":
    main(sys.argv[1:])
