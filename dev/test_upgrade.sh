#!/usr/bin/env bash
# `make test-upgrade`: a site of the previous release, with data, upgraded to this code the way
# README.rst's "Upgrading" says, still has its datasets, readings and harvest sources and serves
# them. In the installed virtualenv (dev/installed.sh), on the test slot's databases (emptied):
#   1. the previous release (PM25_PREVIOUS_REF: default the latest v* tag, else main), installed
#      from its source as its README said (pip install -e), initialises the databases with its
#      migrations and loads data through its real commands: `ckan pm25 demo load` and a demo
#      harvest of the local Air4Thai imitation;
#   2. its portal is snapshotted through the HTTP API and pages (dev/upgrade_check.py);
#   3. this code's wheel replaces it; README.rst's upgrade commands run, as written there;
#   4. the new portal's snapshot must equal the first, every page answering 200.
# PM25_SLOT: the test slot (default 10; its databases are dropped and made anew).
source "$(dirname "$0")/installed.sh"

previous_ref() {  # the latest release tag, else main's tip
  local ref
  for ref in "$(git -C "$PM25_ROOT" describe --tags --abbrev=0 --match 'v*' 2>/dev/null)" main origin/main; do
    [ -n "$ref" ] && git -C "$PM25_ROOT" rev-parse -q --verify "$ref^{commit}" >/dev/null && { echo "$ref"; return; }
  done
  die "no previous release to upgrade from: tag one (v*) or set PM25_PREVIOUS_REF"
}
previous="${PM25_PREVIOUS_REF:-$(previous_ref)}"
[ -n "$previous" ] || exit 1
slot="${PM25_SLOT:-10}"
suffix="test_$slot"
port="$(pm25_portal_port "$slot")"
work="$INSTALLED_HOME/upgrade"
ckan=("$INSTALLED_VENV/bin/ckan" -c test.ini)
portal_pid=""

wheel="$(build_wheel)"
prepare_installed_venv "$wheel"
prepare_suite
cd "$INSTALLED_SUITE"
rm -rf "$work" && mkdir -p "$work/previous"

say "Installing the previous release ($previous) from its source"
git -C "$PM25_ROOT" archive "$previous" | tar -xf - -C "$work/previous"
"$INSTALLED_VENV/bin/python" -m pip --disable-pip-version-check -q install --no-deps --no-build-isolation \
  -e "$work/previous" >>"$INSTALLED_LOG" 2>&1 || { tail -n 30 "$INSTALLED_LOG" >&2; die "pip install failed: see $INSTALLED_LOG"; }

say "Fresh databases for slot $slot"
pm25_own_services || die "the upgrade test drops its slot's databases: it runs on this stack's services only"
for db in "ckan_$suffix" "datastore_$suffix"; do
  bash "$PM25_ROOT/dev/services.sh" psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
bash "$PM25_ROOT/dev/services.sh" start "$suffix"
pm25_export_ckan_env "$suffix" "$((1 + slot))" "$port"
PM25_VENV="$INSTALLED_VENV" bash "$PM25_ROOT/dev/init_ckan.sh" test.ini "datastore_$suffix" 1
"${ckan[@]}" search-index clear >>"$work/commands.log" 2>&1

run() {  # one ckan command, logged; fails the test when it fails
  say "ckan $*"
  "${ckan[@]}" "$@" >>"$work/commands.log" 2>&1 || { tail -n 30 "$work/commands.log" >&2; die "ckan $* failed: see $work/commands.log"; }
}

start_portal() {
  "${ckan[@]}" run -H 127.0.0.1 -p "$port" --disable-reloader >"$work/portal-$1.log" 2>&1 &
  portal_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$CKAN_SITE_URL/api/3/action/status_show" >/dev/null 2>&1 && return 0
    kill -0 "$portal_pid" 2>/dev/null || break
    sleep 1
  done
  tail -n 30 "$work/portal-$1.log" >&2; die "the portal did not start: see $work/portal-$1.log"
}

stop_portal() {
  [ -z "$portal_pid" ] || { kill "$portal_pid" 2>/dev/null; wait "$portal_pid" 2>/dev/null || true; portal_pid=""; }
}
trap stop_portal EXIT

run pm25 demo load
run pm25 demo harvest --hours 30
end="$(date -u -d "+1 hour" +%Y-%m-%dT%H:00:00Z)"
start_portal previous
"$INSTALLED_VENV/bin/python" "$PM25_ROOT/dev/upgrade_check.py" snapshot "$CKAN_SITE_URL" "$end" "$work/before.json"
stop_portal

say "Upgrading to $(basename "$wheel")"
install_wheel "$wheel"
check_installed_import
# README.rst's upgrade commands, as written there (the literal block after "Upgrading:")
mapfile -t commands < <(sed -n '/^Upgrading:/,/^[^ ].*[^:]$/p' "$PM25_ROOT/README.rst" | sed -n 's/^    ckan //p')
[ "${#commands[@]}" -gt 0 ] || die "README.rst has no upgrade commands (a literal block after 'Upgrading:')"
for command in "${commands[@]}"; do
  read -r -a words <<<"$command"
  run "${words[@]}"
done

start_portal upgraded
"$INSTALLED_VENV/bin/python" "$PM25_ROOT/dev/upgrade_check.py" snapshot "$CKAN_SITE_URL" "$end" "$work/after.json"
stop_portal
"$INSTALLED_VENV/bin/python" "$PM25_ROOT/dev/upgrade_check.py" compare "$work/before.json" "$work/after.json"
