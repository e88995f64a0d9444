#!/usr/bin/env bash
# The package as a site installs it, for dev/test_installed.sh and dev/test_upgrade.sh (sourced):
# the wheel built from the files git tracks, a clean virtualenv with CKAN $CKAN_PIN and its pinned
# requirements (dev/install.sh's install_ckan_into) and the wheel, and a copy of tests/ and
# test.ini beside no source, so `import ckanext.pm25` can only resolve to the installed package.
# PM25_INSTALLED_HOME: where the virtualenv, the wheel and the copy live.
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"   # its functions; sourcing installs nothing

INSTALLED_HOME="${PM25_INSTALLED_HOME:-$PM25_VAR/installed-$CKAN_VERSION}"
INSTALLED_VENV="$INSTALLED_HOME/venv"
INSTALLED_SUITE="$INSTALLED_HOME/suite"
INSTALLED_LOG="$INSTALLED_HOME/install.log"
mkdir -p "$INSTALLED_HOME"

# Copies the files git tracks under the given paths (all when none) to folder $1.
copy_tracked() {
  local target="$1"; shift
  mkdir -p "$target"
  git -C "$PM25_ROOT" ls-files -z -- "$@" | (cd "$PM25_ROOT" && tar --null -T - -cf -) | tar -xf - -C "$target"
}

# Builds the wheel of the tracked files (uncommitted edits included) and prints its path.
build_wheel() {
  rm -rf "$INSTALLED_HOME/source" "$INSTALLED_HOME/dist"
  copy_tracked "$INSTALLED_HOME/source"
  "$VENV/bin/python" -m build --wheel --no-isolation --outdir "$INSTALLED_HOME/dist" "$INSTALLED_HOME/source" \
    >"$INSTALLED_LOG" 2>&1 || { tail -n 30 "$INSTALLED_LOG" >&2; die "the wheel did not build: see $INSTALLED_LOG"; }
  ls "$INSTALLED_HOME"/dist/ckanext_pm25-*.whl
}

# The virtualenv is made anew whenever CKAN's pin or the package's requirements change, so
# nothing of an earlier install lingers; the wheel $1 is (re)installed every time.
prepare_installed_venv() {
  local wheel="$1" stamp="$INSTALLED_VENV/.pm25-stamp" want
  want="$CKAN_PIN $(sha1sum <"$PM25_ROOT/pyproject.toml" | cut -c1-12)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Preparing a clean CKAN $CKAN_PIN virtualenv in $INSTALLED_VENV"
    rm -rf "$INSTALLED_VENV"
    { install_ckan_into "$INSTALLED_VENV" \
        && "$INSTALLED_VENV/bin/python" -m pip --disable-pip-version-check -q install "$wheel[test]"; } \
      >>"$INSTALLED_LOG" 2>&1 || { tail -n 30 "$INSTALLED_LOG" >&2; die "pip install failed: see $INSTALLED_LOG"; }
    echo "$want" >"$stamp"
  fi
  install_wheel "$wheel"
}

install_wheel() {
  say "Installing $(basename "$1") into $INSTALLED_VENV"
  "$INSTALLED_VENV/bin/python" -m pip --disable-pip-version-check -q install --force-reinstall --no-deps "$1" \
    >>"$INSTALLED_LOG" 2>&1 || { tail -n 30 "$INSTALLED_LOG" >&2; die "pip install failed: see $INSTALLED_LOG"; }
}

# The suite beside no source: pytest's configuration (pyproject.toml's [tool.pytest.ini_options]),
# test.ini and tests/.
prepare_suite() {
  rm -rf "$INSTALLED_SUITE"
  copy_tracked "$INSTALLED_SUITE" tests test.ini pyproject.toml
}

# Fails unless ckanext.pm25, imported from the suite's folder, is the installed wheel.
check_installed_import() {
  local located
  located="$(cd "$INSTALLED_SUITE" && "$INSTALLED_VENV/bin/python" -c 'import ckanext.pm25 as p; print(p.__file__)')"
  case "$located" in
    "$INSTALLED_VENV"/*) say "ckanext.pm25 $(cd "$INSTALLED_SUITE" && "$INSTALLED_VENV/bin/python" -c 'import ckanext.pm25 as p; print(p.__version__)') from $located" ;;
    *) die "ckanext.pm25 resolves to $located, not to the package installed in $INSTALLED_VENV" ;;
  esac
}
