#!/usr/bin/env bash
# `make cluster`: the portal's data tier as a small cluster, all on loopback, from the same
# artifacts as the single stack (dev/services.sh):
#   - ZooKeeper (its own Maven artifact, already on Solr's classpath) on $PM25_ZK_PORT;
#   - two Solr nodes in cloud mode on $PM25_SOLR_NODE1_PORT and $PM25_SOLR_NODE2_PORT, the
#     project's configset (dev/solr/solrconfig.xml + the schema made by make_schema.py) uploaded
#     as "pm25", the `ckan` collection with 2 shards x 2 replicas (each node holds one replica of
#     each shard, so either node alone answers every query);
#   - nginx on $PM25_SOLR_LB_PORT in front of the two nodes: CKAN's solr_url points there and a
#     request a dead node refuses is passed to the other (pysolr knows one URL only);
#   - a PostgreSQL streaming replica (pg_basebackup -R, a replication slot) of the stack's primary
#     on $PM25_PG_REPLICA_PORT.
# Usage: cluster.sh start [db-suffix…] | stop | status | env SUFFIX | kill-solr N | start-solr N |
#        stop-replica | start-replica | wait-recovered
source "$(dirname "$0")/env.sh"

PM25_ZK_PORT="${PM25_ZK_PORT:-21812}"
PM25_SOLR_NODE1_PORT="${PM25_SOLR_NODE1_PORT:-28453}"
PM25_SOLR_NODE2_PORT="${PM25_SOLR_NODE2_PORT:-28454}"
PM25_SOLR_LB_PORT="${PM25_SOLR_LB_PORT:-28455}"
PM25_PG_REPLICA_PORT="${PM25_PG_REPLICA_PORT:-25453}"

CLUSTER="$PM25_VAR/cluster"
ZK_DIR="$CLUSTER/zookeeper"
LB_DIR="$CLUSTER/solr-lb"
SOLR_CONF="$CLUSTER/configset"
node_port() { if [ "$1" = 1 ]; then echo "$PM25_SOLR_NODE1_PORT"; else echo "$PM25_SOLR_NODE2_PORT"; fi; }

# the replica lives beside the primary's data directory (PostgreSQL runs as `postgres`)
PG_DIR="$PM25_VAR/postgres"
if ! runuser -u postgres -- test -x "$PM25_VAR" 2>/dev/null; then
  PG_DIR="/var/tmp/pm25-postgres-$(printf '%s' "$PM25_VAR" | sha1sum | cut -c1-10)"
fi
REPLICA_DATA="$PG_DIR/replica"
REPLICA_RUN="$PG_DIR/replica-run"
PG_BIN="${PM25_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
as_postgres() { runuser -u postgres -- "$@"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }
port_free() { [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
classpath() { cat "$PM25_VAR/solr/classpath.txt"; }

stop_pid() {  # name, pid file
  pid_alive "$2" || { rm -f "$2"; return 0; }
  local pid; pid="$(head -n 1 "$2")"
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$2"
  say "stopped $1 (pid $pid)"
}

wait_for() {  # what, seconds, command…
  local what="$1" seconds="$2"; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "$what did not come up in ${seconds}s: see $PM25_LOGS/"
}

# --- ZooKeeper --------------------------------------------------------------------------------

start_zookeeper() {
  mkdir -p "$ZK_DIR/data"
  pid_alive "$ZK_DIR/zk.pid" && return 0
  port_free "$PM25_ZK_PORT" || die "ZooKeeper: port $PM25_ZK_PORT is taken: PM25_ZK_PORT=NNNN make cluster"
  printf '%s\n' "tickTime=2000" "dataDir=$ZK_DIR/data" "clientPort=$PM25_ZK_PORT" \
    "clientPortAddress=127.0.0.1" "maxClientCnxns=200" "4lw.commands.whitelist=ruok,mntr,conf" \
    >"$ZK_DIR/zoo.cfg"
  nohup java -Xms64m -Xmx256m -Dzookeeper.admin.enableServer=false -cp "$(classpath)" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$ZK_DIR/zoo.cfg" >"$PM25_LOGS/zookeeper.log" 2>&1 &
  echo $! >"$ZK_DIR/zk.pid"
  wait_for ZooKeeper 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PM25_ZK_PORT && echo ruok >&3 && grep -q imok <&3"
}

# --- Solr nodes -------------------------------------------------------------------------------

write_node_home() {  # node number
  local home="$CLUSTER/solr-node$1"
  mkdir -p "$home"
  cat >"$home/solr.xml" <<XML
<?xml version="1.0" encoding="UTF-8" ?>
<!-- Written by dev/cluster.sh: a Solr node in cloud mode, its cores registered in ZooKeeper. -->
<solr>
  <solrcloud>
    <str name="host">127.0.0.1</str>
    <int name="hostPort">$(node_port "$1")</int>
    <str name="hostContext">solr</str>
    <str name="zkHost">127.0.0.1:$PM25_ZK_PORT</str>
    <int name="zkClientTimeout">15000</int>
    <bool name="genericCoreNodeNames">true</bool>
    <int name="distribUpdateConnTimeout">5000</int>
    <int name="distribUpdateSoTimeout">60000</int>
  </solrcloud>
</solr>
XML
}

start_solr_node() {  # node number
  local home="$CLUSTER/solr-node$1" port; port="$(node_port "$1")"
  pid_alive "$home/solr.pid" && return 0
  port_free "$port" || die "Solr node $1: port $port is taken: PM25_SOLR_NODE$1_PORT=NNNN make cluster"
  write_node_home "$1"
  nohup java -Xms128m -Xmx512m -DzkHost="127.0.0.1:$PM25_ZK_PORT" -Dhost=127.0.0.1 \
      -Dsolr.log.dir="$PM25_LOGS" -Dsolr.install.dir="$PM25_VAR/solr" -Djava.io.tmpdir="$home" \
      -cp "$(classpath)" "$PM25_ROOT/dev/solr/SolrLauncher.java" "$home" "$port" \
      >"$PM25_LOGS/solr-node$1.log" 2>&1 &
  echo $! >"$home/solr.pid"
}

wait_solr_node() {  # node number
  wait_for "Solr node $1" 120 curl -fsS "http://127.0.0.1:$(node_port "$1")/solr/admin/info/system?wt=json"
}

kill_solr_node() {  # node number: SIGKILL, as a machine that is lost
  local pidfile="$CLUSTER/solr-node$1/solr.pid"
  pid_alive "$pidfile" || return 0
  kill -9 "$(cat "$pidfile")"
  rm -f "$pidfile"
}

write_configset() {
  mkdir -p "$SOLR_CONF"
  cp "$PM25_ROOT/dev/solr/solrconfig.xml" "$SOLR_CONF/solrconfig.xml"
  touch "$SOLR_CONF/protwords.txt" "$SOLR_CONF/synonyms.txt"
  local schema_xml
  schema_xml="$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))')"
  "$VENV/bin/python" "$PM25_ROOT/dev/solr/make_schema.py" "$schema_xml" "$SOLR_CONF/schema.xml"
  rm -f "$CLUSTER/configset.zip"
  (cd "$SOLR_CONF" && "$VENV/bin/python" -m zipfile -c "$CLUSTER/configset.zip" solrconfig.xml schema.xml protwords.txt synonyms.txt)
}

solr_api() {  # path?query (on node 1)
  curl -fsS "http://127.0.0.1:$PM25_SOLR_NODE1_PORT/solr/$1"
}

ensure_collection() {
  write_configset
  curl -fsS -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$CLUSTER/configset.zip" \
    "http://127.0.0.1:$PM25_SOLR_NODE1_PORT/solr/admin/configs?action=UPLOAD&name=pm25&overwrite=true&cleanup=true" \
    >"$PM25_LOGS/solr-configset.log" || die "Solr did not take the configset: see $PM25_LOGS/solr-node1.log"
  if solr_api "admin/collections?action=LIST&wt=json" | grep -q '"ckan"'; then
    solr_api "admin/collections?action=RELOAD&name=ckan&wt=json" >/dev/null \
      || die "Solr could not reload the ckan collection: see $PM25_LOGS/solr-node1.log"
  else
    say "Creating the SolrCloud collection ckan (2 shards x 2 replicas)"
    solr_api "admin/collections?action=CREATE&name=ckan&numShards=2&replicationFactor=2&collection.configName=pm25&waitForFinalState=true&wt=json" \
      >"$PM25_LOGS/solr-collection.log" || die "Solr could not create the ckan collection: see $PM25_LOGS/solr-collection.log"
  fi
}

# every replica of the collection active (after a start or a node's return)
collection_healthy() {
  solr_api "admin/collections?action=CLUSTERSTATUS&collection=ckan&wt=json" \
    | "$VENV/bin/python" -c '
import json, sys
shards = json.load(sys.stdin)["cluster"]["collections"]["ckan"]["shards"]
states = [r["state"] for s in shards.values() for r in s["replicas"].values()]
sys.exit(0 if len(states) == 4 and set(states) == {"active"} else 1)'
}

# --- the Solr balancer ------------------------------------------------------------------------

start_solr_lb() {
  mkdir -p "$LB_DIR/temp"
  pid_alive "$LB_DIR/nginx.pid" && return 0
  port_free "$PM25_SOLR_LB_PORT" || die "Solr balancer: port $PM25_SOLR_LB_PORT is taken: PM25_SOLR_LB_PORT=NNNN make cluster"
  local user_line=""
  [ "$(id -u)" != 0 ] || user_line="user $(id -un) $(id -gn);"
  cat >"$LB_DIR/nginx.conf" <<NGINX
# Written by dev/cluster.sh on every start: edit that script, not this file.
$user_line
worker_processes 1;
pid $LB_DIR/nginx.pid;
error_log $PM25_LOGS/solr-lb-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $LB_DIR/temp/body;
  proxy_temp_path $LB_DIR/temp/proxy;
  fastcgi_temp_path $LB_DIR/temp/fastcgi;
  uwsgi_temp_path $LB_DIR/temp/uwsgi;
  scgi_temp_path $LB_DIR/temp/scgi;
  client_max_body_size 100m;
  upstream solr {
    server 127.0.0.1:$PM25_SOLR_NODE1_PORT max_fails=1 fail_timeout=3s;
    server 127.0.0.1:$PM25_SOLR_NODE2_PORT max_fails=1 fail_timeout=3s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$PM25_SOLR_LB_PORT;
    location / {
      proxy_pass http://solr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
      # a node that is down or whose replicas are recovering: the other node answers; an update
      # is safe to send twice (the same document id replaces itself)
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 2;
    }
  }
}
NGINX
  nginx -p "$LB_DIR" -c "$LB_DIR/nginx.conf" -e "$PM25_LOGS/solr-lb-error.log" \
    || die "nginx (Solr balancer) did not start: see $PM25_LOGS/solr-lb-error.log"
}

# --- PostgreSQL replica -----------------------------------------------------------------------

primary_sql() { bash "$PM25_ROOT/dev/services.sh" psql -d postgres -c "$1"; }

# The replica holds a replication slot on the primary, so the primary keeps the WAL the replica
# has not received while it is stopped (up to max_slot_wal_keep_size); a replica without its slot
# (made before, or the slot lost) could never catch up, and is made again.
start_replica() {
  mkdir -p "$REPLICA_RUN" && chown postgres:postgres "$REPLICA_RUN"
  pid_alive "$REPLICA_DATA/postmaster.pid" && return 0
  local slot_ok
  slot_ok="$(primary_sql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pm25_replica' AND wal_status IS DISTINCT FROM 'lost'")"
  if [ -s "$REPLICA_DATA/PG_VERSION" ] && [ "$slot_ok" != 1 ]; then
    say "The PostgreSQL replica lost its place in the primary's WAL: making it again"
    rm -rf "$REPLICA_DATA"
  fi
  if [ ! -s "$REPLICA_DATA/PG_VERSION" ]; then
    say "Making the PostgreSQL streaming replica (pg_basebackup -R) in $REPLICA_DATA"
    primary_sql "ALTER SYSTEM SET max_slot_wal_keep_size = '2GB'" >/dev/null
    primary_sql "SELECT pg_reload_conf()" >/dev/null
    primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'pm25_replica'" >/dev/null
    as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PM25_PG_PORT" -U postgres -D "$REPLICA_DATA" \
      -R -C -S pm25_replica -X stream -c fast >"$PM25_LOGS/postgres-replica-basebackup.log" 2>&1 \
      || die "pg_basebackup failed: see $PM25_LOGS/postgres-replica-basebackup.log"
  fi
  port_free "$PM25_PG_REPLICA_PORT" || die "PostgreSQL replica: port $PM25_PG_REPLICA_PORT is taken: PM25_PG_REPLICA_PORT=NNNN make cluster"
  touch "$PM25_LOGS/postgres-replica.log" && chown postgres "$PM25_LOGS/postgres-replica.log"
  as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$PM25_LOGS/postgres-replica.log" -w -t 60 \
    -o "-p $PM25_PG_REPLICA_PORT -c listen_addresses=127.0.0.1 -k $REPLICA_RUN -c max_connections=200 -c hot_standby=on" \
    start >/dev/null || die "the PostgreSQL replica did not start: see $PM25_LOGS/postgres-replica.log"
}

stop_replica() {
  pid_alive "$REPLICA_DATA/postmaster.pid" || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null && say "PostgreSQL replica stopped"
}

replica_streaming() {
  [ "$(bash "$PM25_ROOT/dev/services.sh" psql -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]
}

# --- CKAN's wiring ----------------------------------------------------------------------------

# The environment and settings that point CKAN at the cluster for one database suffix: the
# DataStore reads on the replica, or the primary when the replica does not answer (libpq tries
# the hosts in order: prefer-standby), the dashboard's reads on the replica (our own fallback).
print_env() {  # suffix
  local suffix="$1" pw="$PM25_DB_PASSWORD"
  echo "export CKAN_SOLR_URL=http://127.0.0.1:$PM25_SOLR_LB_PORT/solr/ckan"
  echo "export CKAN_DATASTORE_READ_URL='postgresql://datastore_default:$pw@/datastore_$suffix?host=127.0.0.1:$PM25_PG_REPLICA_PORT&host=127.0.0.1:$PM25_PG_PORT&target_session_attrs=prefer-standby&connect_timeout=3'"
  echo "export PM25_CLUSTER_READ_URL='postgresql://ckan_default:$pw@127.0.0.1:$PM25_PG_REPLICA_PORT/ckan_$suffix?connect_timeout=3'"
}

# --- commands ---------------------------------------------------------------------------------

start() {
  command -v nginx >/dev/null || die "nginx is missing: apt-get install nginx-light"
  mkdir -p "$CLUSTER"
  start_zookeeper
  start_solr_node 1
  start_solr_node 2
  wait_solr_node 1
  wait_solr_node 2
  ensure_collection
  wait_for "the ckan collection (4 active replicas)" 120 collection_healthy
  start_solr_lb
  # PostgreSQL and Redis of the single stack (the primary); its standalone Solr is not started
  CKAN_SOLR_URL="http://127.0.0.1:$PM25_SOLR_LB_PORT/solr/ckan" bash "$PM25_ROOT/dev/services.sh" start "$@"
  start_replica
  wait_for "streaming replication" 60 replica_streaming
  say "Cluster up: ZooKeeper 127.0.0.1:$PM25_ZK_PORT, Solr nodes :$PM25_SOLR_NODE1_PORT :$PM25_SOLR_NODE2_PORT behind :$PM25_SOLR_LB_PORT, PostgreSQL primary :$PM25_PG_PORT -> replica :$PM25_PG_REPLICA_PORT"
}

stop() {
  stop_pid "nginx (Solr balancer)" "$LB_DIR/nginx.pid"
  stop_pid "Solr node 2" "$CLUSTER/solr-node2/solr.pid"
  stop_pid "Solr node 1" "$CLUSTER/solr-node1/solr.pid"
  stop_pid ZooKeeper "$ZK_DIR/zk.pid"
  stop_replica
}

status() {
  local n
  pid_alive "$ZK_DIR/zk.pid" && say "ZooKeeper: up (:$PM25_ZK_PORT)" || say "ZooKeeper: down"
  for n in 1 2; do
    pid_alive "$CLUSTER/solr-node$n/solr.pid" && say "Solr node $n: up (:$(node_port "$n"))" || say "Solr node $n: down"
  done
  collection_healthy 2>/dev/null && say "collection ckan: 4 active replicas" || say "collection ckan: not all replicas active"
  pid_alive "$LB_DIR/nginx.pid" && say "Solr balancer: up (:$PM25_SOLR_LB_PORT)" || say "Solr balancer: down"
  replica_streaming 2>/dev/null && say "PostgreSQL replica: streaming (:$PM25_PG_REPLICA_PORT)" || say "PostgreSQL replica: not streaming"
}

case "${1:-}" in
  start) shift; [ $# -gt 0 ] || set -- dev; start "$@" ;;
  stop) stop ;;
  status) status ;;
  env) print_env "${2:?usage: $0 env SUFFIX}" ;;
  kill-solr) kill_solr_node "${2:?node 1 or 2}" ;;
  start-solr) start_solr_node "${2:?node 1 or 2}"; wait_solr_node "$2" ;;
  wait-recovered) wait_for "the ckan collection (4 active replicas)" 180 collection_healthy ;;
  stop-replica) stop_replica ;;
  start-replica) start_replica; wait_for "streaming replication" 60 replica_streaming ;;
  *) echo "usage: $0 start [db-suffix…] | stop | status | env SUFFIX | kill-solr N | start-solr N | wait-recovered | stop-replica | start-replica" >&2; exit 2 ;;
esac
