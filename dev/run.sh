#!/usr/bin/env bash
# `make run`: the services, the portal's databases, a sysadmin, demo data, background workers,
# then the portal at http://127.0.0.1:$PM25_WEB_PORT (uWSGI behind nginx, dev/serve.sh) until stopped
# (Ctrl-C or `make stop`).
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

INI="$PM25_VAR/ckan.ini"
RUN="$PM25_VAR/run"
ckan=("$VENV/bin/ckan" -c "$INI")
own_postgres=1; [ -z "${CKAN_SQLALCHEMY_URL:-}" ] || own_postgres=0
mkdir -p "$RUN"

bash dev/services.sh start dev

stack_settings() {  # the portal's wiring to this stack: written on every run (ports and plugins follow the project)
  printf '%s\n' \
    "ckan.site_url = http://127.0.0.1:$PM25_WEB_PORT" \
    "sqlalchemy.url = $PG_URL_BASE/ckan_dev" \
    "ckan.datastore.write_url = $DS_WRITE_BASE/datastore_dev" \
    "ckan.datastore.read_url = $DS_READ_BASE/datastore_dev" \
    "solr_url = http://127.0.0.1:$PM25_SOLR_PORT/solr/ckan" \
    "ckan.redis.url = redis://127.0.0.1:$PM25_REDIS_PORT/0" \
    "ckan.storage_path = $PM25_VAR/storage-dev" \
    "ckan.plugins = $(sed -n 's/^ckan.plugins = //p' test.ini)" \
    "ckan.views.default_views = $(sed -n 's/^ckan.views.default_views = //p' test.ini)" \
    "ckanext.spatial.search_backend = solr-spatial-field" \
    "scheming.dataset_schemas = ckanext.pm25:schemas/pm25_dataset.yaml"
}

default_settings() {  # written when absent: an administrator's later edits are kept
  printf '%s\n' \
    "ckan.site_id = pm25" \
    "ckan.site_title = PM2.5 Thailand" \
    "ckan.datastore.sqlsearch.enabled = true" \
    "scheming.dataset_fallback = false" \
    "ckan.locale_default = th" \
    "ckan.locales_offered = th en" \
    "ckan.auth.create_unowned_dataset = false" \
    "ckan.csrf_protection.ignore_extensions = false"
  # the extensions' options test.ini sets, so the portal behaves like the tests
  grep -E '^ckanext\.(pm25|dcat)\.' test.ini || true
}

write_config() {
  local settings=() line key
  if [ ! -f "$INI" ]; then
    say "Writing the portal configuration $INI"
    "$VENV/bin/ckan" generate config "$INI" >/dev/null
    mapfile -t settings < <(default_settings)
  else
    while IFS= read -r line; do
      key="${line%% =*}"
      grep -qE "^${key//./\\.}[[:space:]]*=" "$INI" || settings+=("$line")
    done < <(default_settings)
    [ "${#settings[@]}" -eq 0 ] || say "Adding to $INI: ${settings[*]%% =*}"
  fi
  mapfile -t -O "${#settings[@]}" settings < <(stack_settings)
  "$VENV/bin/ckan" config-tool "$INI" "${settings[@]}" >/dev/null
}

create_sysadmin() {
  if "${ckan[@]}" user show admin 2>/dev/null | grep -q "name=admin"; then return 0; fi
  local password; password="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
  "${ckan[@]}" user add admin email=admin@pm25.localhost password="$password" >/dev/null
  "${ckan[@]}" sysadmin add admin >/dev/null
  say "Sysadmin created (shown once): name 'admin', password '$password'"
}

start_background() {  # name, command…
  local name="$1"; shift
  if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then return 0; fi
  nohup "$@" >"$PM25_LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

write_config
bash dev/init_ckan.sh "$INI" datastore_dev "$own_postgres"
create_sysadmin
say "Loading demo data"
"${ckan[@]}" pm25 demo load
say "Harvesting demo readings (local Air4Thai imitation, several days up to now) for the /pm25 dashboard"
"${ckan[@]}" pm25 demo harvest
start_background jobs-worker "${ckan[@]}" jobs worker
start_background harvest-gather "${ckan[@]}" pm25 harvest consume gather
start_background harvest-fetch "${ckan[@]}" pm25 harvest consume fetch
# the harvest scheduler: starts due jobs and marks finished ones (with their report) every minute
start_background harvest-scheduler "${ckan[@]}" pm25 harvest schedule --every 60

# as in production: uWSGI's worker processes behind nginx (static files, proxy cache), dev/serve.sh
bash dev/serve.sh start "$INI"
say "Serving the portal at http://127.0.0.1:$PM25_WEB_PORT: uWSGI (${PM25_WEB_WORKERS:-2} processes x ${PM25_WEB_THREADS:-4} threads) behind nginx (Ctrl-C or 'make stop' to stop)"
trap 'bash dev/serve.sh stop; exit 0' INT TERM
while [ -f "$RUN/web.pid" ] && kill -0 "$(cat "$RUN/web.pid")" 2>/dev/null; do sleep 2 & wait $!; done
