#!/usr/bin/env bash
# Starts, stops and reports the local service stack: PostgreSQL (+ DataStore), Redis, Solr 9 + JTS.
# Each service binds 127.0.0.1 on its own port; data, logs and pids live under $PM25_VAR.
# A service is skipped when the user points CKAN at their own (CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL,
# CKAN_REDIS_URL).
source "$(dirname "$0")/env.sh"

PG_DIR="$PM25_VAR/postgres"
# PostgreSQL refuses to run as root and runs as `postgres`, which must be able to reach its data
# directory. When the project lives where that user cannot (e.g. under a 0700 home), the cluster
# goes to a folder of its own, named after the project so two checkouts never share one.
if ! runuser -u postgres -- test -x "$PM25_VAR" 2>/dev/null; then
  PG_DIR="/var/tmp/pm25-postgres-$(printf '%s' "$PM25_VAR" | sha1sum | cut -c1-10)"
fi
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_BIN="${PM25_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
REDIS_DIR="$PM25_VAR/redis"
SOLR_HOME="$PM25_VAR/solr/home"
SOLR_PID="$PM25_VAR/solr/solr.pid"

as_postgres() { runuser -u postgres -- "$@"; }

port_owner() {  # prints what listens on 127.0.0.1:$1, if anything
  ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1
}

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }

# --- PostgreSQL -------------------------------------------------------------------------------

start_postgres() {
  [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin): apt-get install postgresql"
  mkdir -p "$PG_DIR" "$PG_RUN"
  chown postgres:postgres "$PG_DIR" "$PG_RUN"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    say "Initialising PostgreSQL cluster in $PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust \
      >"$PM25_LOGS/postgres-initdb.log" 2>&1 || die "PostgreSQL initdb failed: see $PM25_LOGS/postgres-initdb.log"
  fi
  if pid_alive "$PG_DATA/postmaster.pid"; then return 0; fi
  local owner; owner="$(port_owner "$PM25_PG_PORT")"
  [ -z "$owner" ] || die "PostgreSQL: port $PM25_PG_PORT is taken ($owner). Free it or choose another: PM25_PG_PORT=NNNN make …"
  touch "$PM25_LOGS/postgres.log" && chown postgres "$PM25_LOGS/postgres.log"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PM25_LOGS/postgres.log" -w -t 60 \
    -o "-p $PM25_PG_PORT -c listen_addresses=127.0.0.1 -k $PG_RUN -c max_connections=200 -c fsync=off -c synchronous_commit=off" \
    start >/dev/null || die "PostgreSQL did not start: see $PM25_LOGS/postgres.log"
}

stop_postgres() {
  pid_alive "$PG_DATA/postmaster.pid" || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
}

psql_admin() { as_postgres psql -h "$PG_RUN" -p "$PM25_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

# Roles and databases: one CKAN database and one DataStore database per name suffix
# ("dev" for the portal, "test" for the test suite, "test_N" for parallel test slots); a test
# suffix also gets "ckan_<suffix>_national", the database of the national catalogue that the
# suite's harvest tests start beside the portal (tests/dataset/national_ckan.py).
ensure_databases() {
  local suffix
  psql_admin -d postgres <<SQL
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ckan_default') THEN
    CREATE ROLE ckan_default LOGIN PASSWORD '${PM25_DB_PASSWORD}';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'datastore_default') THEN
    CREATE ROLE datastore_default LOGIN PASSWORD '${PM25_DB_PASSWORD}';
  END IF;
END\$\$;
SQL
  for suffix in "$@"; do
    local dbs=("ckan_$suffix" "datastore_$suffix")
    [[ "$suffix" != test* ]] || dbs+=("ckan_${suffix}_national")
    for db in "${dbs[@]}"; do
      if [ -z "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
        psql_admin -d postgres -c "CREATE DATABASE $db OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0"
      fi
    done
  done
}

# --- Redis ------------------------------------------------------------------------------------

start_redis() {
  command -v redis-server >/dev/null || die "redis-server not found: apt-get install redis-server"
  mkdir -p "$REDIS_DIR"
  if pid_alive "$REDIS_DIR/redis.pid"; then return 0; fi
  local owner; owner="$(port_owner "$PM25_REDIS_PORT")"
  [ -z "$owner" ] || die "Redis: port $PM25_REDIS_PORT is taken ($owner). Free it or choose another: PM25_REDIS_PORT=NNNN make …"
  redis-server --bind 127.0.0.1 --port "$PM25_REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$PM25_LOGS/redis.log" --save "" --appendonly no \
    || die "Redis did not start: see $PM25_LOGS/redis.log"
}

stop_redis() {
  pid_alive "$REDIS_DIR/redis.pid" || return 0
  kill "$(cat "$REDIS_DIR/redis.pid")" && say "Redis stopped"
}

# --- Solr -------------------------------------------------------------------------------------

ckan_schema_xml() {
  "$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))'
}

write_solr_home() {
  local conf="$SOLR_HOME/ckan/conf" staged="$SOLR_HOME/ckan/conf.new" changed=0 file
  rm -rf "$staged"
  mkdir -p "$conf" "$staged"
  echo '<solr/>' >"$SOLR_HOME/solr.xml"
  echo 'name=ckan' >"$SOLR_HOME/ckan/core.properties"
  cp "$PM25_ROOT/dev/solr/solrconfig.xml" "$staged/solrconfig.xml"
  touch "$staged/protwords.txt" "$staged/synonyms.txt"
  # schema.xml and the stopwords_th.txt it reads
  "$VENV/bin/python" "$PM25_ROOT/dev/solr/make_schema.py" "$(ckan_schema_xml)" "$staged/schema.xml"
  for file in "$staged"/*; do
    cmp -s "$file" "$conf/${file##*/}" || { cp "$file" "$conf/"; changed=1; }
  done
  rm -rf "$staged"
  [ "$changed" = 0 ]   # 1: the core's configuration changed, a running Solr must reload the core
}

start_solr() {
  command -v java >/dev/null || die "Java is missing: apt-get install openjdk-17-jre-headless"
  local schema_changed=0
  write_solr_home || schema_changed=1
  if pid_alive "$SOLR_PID"; then
    if [ "$schema_changed" = 1 ]; then
      say "Solr configuration changed (CKAN $CKAN_PIN): reloading core ckan"
      curl -fsS "http://127.0.0.1:$PM25_SOLR_PORT/solr/admin/cores?action=RELOAD&core=ckan" >/dev/null \
        || die "Solr could not reload core ckan: see $PM25_LOGS/solr.log"
    fi
    return 0
  fi
  local owner; owner="$(port_owner "$PM25_SOLR_PORT")"
  [ -z "$owner" ] || die "Solr: port $PM25_SOLR_PORT is taken ($owner). Free it or choose another: PM25_SOLR_PORT=NNNN make …"
  local classpath; classpath="$(cat "$PM25_VAR/solr/classpath.txt")"
  : >"$PM25_LOGS/solr.log"
  nohup java -Xms256m -Xmx1g -Dsolr.log.dir="$PM25_LOGS" -Dsolr.install.dir="$PM25_VAR/solr" \
      -Djava.io.tmpdir="$PM25_VAR/solr" -cp "$classpath" \
      "$PM25_ROOT/dev/solr/SolrLauncher.java" "$SOLR_HOME" "$PM25_SOLR_PORT" \
      >>"$PM25_LOGS/solr.log" 2>&1 &
  echo $! >"$SOLR_PID"
}

stop_solr() {
  pid_alive "$SOLR_PID" || return 0
  local pid; pid="$(cat "$SOLR_PID")"
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$SOLR_PID"
  say "Solr stopped"
}

# --- commands ---------------------------------------------------------------------------------

ready() {
  local solr_pid_arg=()
  [ -n "${CKAN_SOLR_URL:-}" ] || solr_pid_arg=(--solr-pid-file "$SOLR_PID")
  "$VENV/bin/python" "$PM25_ROOT/dev/readiness.py" --ckan-version "$CKAN_PIN" --logs "$PM25_LOGS" \
    --pg "${CKAN_SQLALCHEMY_URL:-$PG_URL_BASE/postgres}" \
    --redis "${CKAN_REDIS_URL:-redis://127.0.0.1:$PM25_REDIS_PORT/0}" \
    --solr "${CKAN_SOLR_URL:-http://127.0.0.1:$PM25_SOLR_PORT/solr/ckan}" "${solr_pid_arg[@]}"
}

case "${1:-}" in
  start)
    shift
    [ $# -gt 0 ] || set -- dev test
    [ -n "${CKAN_SQLALCHEMY_URL:-}" ] || { start_postgres; ensure_databases "$@"; }
    [ -n "${CKAN_REDIS_URL:-}" ] || start_redis
    [ -n "${CKAN_SOLR_URL:-}" ] || start_solr
    ready
    ;;
  stop) stop_solr; stop_redis; stop_postgres ;;
  status) ready ;;
  databases) shift; start_postgres; ensure_databases "$@" ;;
  psql) shift; psql_admin "$@" ;;
  *) echo "usage: $0 start [db-suffix…] | stop | status | databases SUFFIX… | psql ARGS" >&2; exit 2 ;;
esac
