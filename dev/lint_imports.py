"""`lint-imports` over the .importlinter contracts, with our ``ckanext`` portion in the graph.

``ckanext`` is a pkgutil namespace package: the ``*-nspkg.pth`` files of CKAN and its extensions
import it at start-up with only site-packages' portion on its path, and our editable install is
found by a finder that the graph builder (grimp) does not consult. So the graph would miss
``ckanext.pm25``. Putting this checkout's ``ckanext`` first on that path builds the graph from
our sources, with ckanext-harvest, -scheming, -spatial and -dcat beside them, so the contracts
can forbid importing those too.
"""
from __future__ import annotations

import sys
from pathlib import Path

import ckanext
from importlinter.cli import lint_imports_command

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ours = str(ROOT / "ckanext")
    search_path = ckanext.__spec__.submodule_search_locations
    if search_path is not None and ours not in search_path:
        search_path.insert(0, ours)
    sys.argv = ["lint-imports", "--no-logo", str(ROOT / ".importlinter")]
    lint_imports_command()


if __name__ == "__main__":
    main()
