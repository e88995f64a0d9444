#!/usr/bin/env bash
# `make lint`: ruff (ruff.toml), mypy (mypy.ini) and the import contracts (.importlinter), with
# the tools of the CKAN virtualenv ([lint] extra). All three run; any finding fails.
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

status=0
say "ruff check"
"$VENV/bin/ruff" check . || status=1
say "mypy"
"$VENV/bin/mypy" || status=1
say "import contracts"
"$VENV/bin/python" dev/lint_imports.py || status=1
[ "$status" -eq 0 ] && say "lint: clean" || echo "lint: findings above" >&2
exit "$status"
