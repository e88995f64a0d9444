#!/usr/bin/env bash
# `make test`: the services and databases of the test configuration, then the whole suite.
# PM25_TEST_GROUPS=N (default 1) splits the suite into N groups run side by side, each on a test
# slot of its own (its own databases, Redis db, Solr site id and portal port: slots PM25_SLOT,
# PM25_SLOT+1, …), balanced by the recorded durations in tests/.test_durations (pytest-split,
# contiguous chunks so that a module's shared fixtures are built once). Much of a test's time is
# spent waiting on Solr, the portal and upstream imitations, so groups overlap well on two cores.
source "$(dirname "$0")/env.sh"
# The folder holding test.ini and tests/: the checkout, or (dev/test_installed.sh) a copy beside
# no source, so that the installed package is the one imported.
cd "${PM25_TEST_ROOT:-$PM25_ROOT}"

first_slot="${PM25_SLOT:-}"
groups="${PM25_TEST_GROUPS:-1}"
own_postgres=1; [ -z "${CKAN_SQLALCHEMY_URL:-}" ] || own_postgres=0
[[ "$groups" =~ ^[1-9][0-9]?$ ]] || die "PM25_TEST_GROUPS must be a number from 1 to 99 (got '$groups')"

if [ "$groups" -gt 1 ]; then
  pm25_own_services || die "PM25_TEST_GROUPS needs this stack's services: each group makes databases of its own"
  for arg in "$@"; do
    case "$arg" in
      tests*|*.py|*::*) die "PM25_TEST_GROUPS splits the whole suite: give pytest options only (got '$arg')" ;;
    esac
  done
fi

# The slot of group $1 (0-based): the first slot, then the ones after it; "" is the default slot.
group_slot() {
  local base="${first_slot:-0}" slot
  slot=$((base + $1))
  if [ -z "$first_slot" ] && [ "$slot" -eq 0 ]; then echo ""; else echo "$slot"; fi
}
suffix_of() { echo "test${1:+_$1}"; }

suffixes=()
for ((group = 0; group < groups; group++)); do suffixes+=("$(suffix_of "$(group_slot "$group")")"); done
bash "$PM25_ROOT/dev/services.sh" start "${suffixes[@]}"

# One run of pytest on one slot: CKAN's environment variables point the test configuration at
# this stack's ports and the slot's databases (or the user's own services), so test.ini is never
# edited. Usage: run_on_slot SLOT PYTEST_ARG…
run_on_slot() {
  local slot="$1"; shift
  local suffix; suffix="$(suffix_of "$slot")"
  pm25_export_ckan_env "$suffix" "$((1 + ${slot:-0}))" "$(pm25_portal_port "${slot:-0}")"
  say "Initialising the test databases (CKAN $CKAN_PIN, slot '${slot:-default}')"
  bash "$PM25_ROOT/dev/init_ckan.sh" test.ini "datastore_$suffix" "$own_postgres"
  say "Running the test suite${PM25_GROUP_LABEL:+ ($PM25_GROUP_LABEL)}"
  local status=0
  "$VENV/bin/python" -m pytest "$@" || status=$?
  # pytest's exit code 5 means no test ran: that is a failure here, never a silent pass.
  [ "$status" -ne 5 ] || { echo "no tests were collected" >&2; return 1; }
  return "$status"
}

if [ "$groups" -eq 1 ]; then
  run_on_slot "$first_slot" "$@"
  exit $?
fi

logs="$PM25_LOGS/test-groups"
mkdir -p "$logs"
pids=()
for ((group = 0; group < groups; group++)); do
  slot="$(group_slot "$group")"
  ( PM25_GROUP_LABEL="group $((group + 1)) of $groups, slot ${slot:-default}" \
      run_on_slot "$slot" --splits "$groups" --group "$((group + 1))" \
        --splitting-algorithm duration_based_chunks --durations-path tests/.test_durations "$@"
  ) >"$logs/group-$((group + 1)).log" 2>&1 &
  pids+=("$!")
done
status=0
for ((group = 0; group < groups; group++)); do
  wait "${pids[$group]}" || status=1
  echo "--- group $((group + 1)) of $groups ---"
  cat "$logs/group-$((group + 1)).log"
done
exit "$status"
