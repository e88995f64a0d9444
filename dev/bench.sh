#!/usr/bin/env bash
# `make bench`: every bench/*.py, each printing its figures side by side, against a bench
# database of its own (ckan_bench / datastore_bench, emptied first), or a test slot's with
# PM25_SLOT=N. Arguments name the scripts to run (default: all of bench/*.py). The harvest
# bench reads PM25_BENCH_STATIONS (default 500); the measurement-store bench
# PM25_BENCH_STORE_STATIONS (200) and PM25_BENCH_STORE_HOURS (720).
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

slot="${PM25_SLOT:-}"
suffix="${slot:+test_$slot}"; suffix="${suffix:-bench}"
if [ -n "$slot" ]; then redis_db=$((1 + slot)); else redis_db=15; fi
own_postgres=1; [ -z "${CKAN_SQLALCHEMY_URL:-}" ] || own_postgres=0

bash dev/services.sh start "$suffix"

pm25_export_ckan_env "$suffix" "$redis_db" "$(pm25_portal_port "${slot:-0}")"
export PM25_BENCH_INI="$PM25_ROOT/test.ini"

ckan=("$VENV/bin/ckan" -c test.ini)
if [ "$own_postgres" = 1 ]; then
  say "Emptying the bench databases (ckan_$suffix, datastore_$suffix)"
  "${ckan[@]}" db clean --yes >"$PM25_LOGS/bench-clean.log" 2>&1 \
    || { tail -n 20 "$PM25_LOGS/bench-clean.log" >&2; die "ckan db clean failed"; }
  bash dev/services.sh psql -d "datastore_$suffix" \
    -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION ckan_default;" >/dev/null
fi
bash dev/init_ckan.sh test.ini "datastore_$suffix" "$own_postgres"
"${ckan[@]}" search-index clear >/dev/null 2>&1 || true

status=0
[ $# -gt 0 ] || set -- bench/*.py
for script in "$@"; do
  say "$script"
  "$VENV/bin/python" "$script" || status=1
done
exit "$status"
