#!/usr/bin/env bash
# Initialises CKAN's database, the plugins' migrations (harvest, activity, …) and the DataStore
# permissions for one configuration.
# Usage: dev/init_ckan.sh CKAN_INI DATASTORE_DB OWN_POSTGRES(1|0)
source "$(dirname "$0")/env.sh"
ini="$1"; datastore_db="$2"; own_postgres="${3:-1}"
ckan=("$VENV/bin/ckan" -c "$ini")
log="$PM25_LOGS/init-$(basename "$ini" .ini)-$datastore_db.log"

{
  "${ckan[@]}" db init
  "${ckan[@]}" db pending-migrations --apply
} >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "CKAN database initialisation failed: see $log"; }

if [ "$own_postgres" = 1 ]; then
  "${ckan[@]}" datastore set-permissions 2>>"$log" | "$PM25_ROOT/dev/services.sh" psql -d "$datastore_db" >>"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "DataStore permissions failed: see $log"; }
else
  say "Using your DataStore: apply \`ckan datastore set-permissions\` to it yourself (see README)."
fi
