#!/usr/bin/env bash
# `make test`: the services and databases of the test configuration, then the whole suite.
source "$(dirname "$0")/env.sh"
# The folder holding test.ini and tests/: the checkout, or (dev/test_installed.sh) a copy beside
# no source, so that the installed package is the one imported.
cd "${PM25_TEST_ROOT:-$PM25_ROOT}"

slot="${PM25_SLOT:-}"
suffix="test${slot:+_$slot}"
own_postgres=1; [ -z "${CKAN_SQLALCHEMY_URL:-}" ] || own_postgres=0

bash "$PM25_ROOT/dev/services.sh" start "$suffix"

# The test configuration reads its services from CKAN's environment variables, so the ports of
# this stack (or the user's own services) and the slot's databases apply without editing test.ini.
pm25_export_ckan_env "$suffix" "$((1 + ${slot:-0}))" "$(pm25_portal_port "${slot:-0}")"

say "Initialising the test databases (CKAN $CKAN_PIN, slot '${slot:-default}')"
bash "$PM25_ROOT/dev/init_ckan.sh" test.ini "datastore_$suffix" "$own_postgres"

say "Running the test suite"
set +e
"$VENV/bin/python" -m pytest "$@"
status=$?
set -e
# pytest's exit code 5 means no test ran: that is a failure here, never a silent pass.
[ "$status" -ne 5 ] || { echo "no tests were collected" >&2; exit 1; }
exit "$status"
