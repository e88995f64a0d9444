# Shared settings of the local service stack; sourced by the other dev/ scripts.
# Every value can be overridden from the environment.
set -euo pipefail

PM25_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PM25_VAR="${PM25_VAR:-$PM25_ROOT/.stack}"       # data, logs, pids, virtualenvs
PM25_LOGS="$PM25_VAR/logs"

CKAN_VERSION="${CKAN_VERSION:-2.12}"
case "$CKAN_VERSION" in
  2.12) CKAN_PIN=2.12.0 ;;
  2.11) CKAN_PIN=2.11.6 ;;
  *) echo "CKAN_VERSION must be 2.12 or 2.11 (got '$CKAN_VERSION')" >&2; exit 2 ;;
esac
PM25_PYTHON="${PM25_PYTHON:-python3}"
VENV="${PM25_VENV:-$PM25_VAR/venv-ckan-$CKAN_VERSION}"

# Ports chosen away from the services a machine may already run (5432, 6379, 8983).
PM25_PG_PORT="${PM25_PG_PORT:-15432}"
PM25_REDIS_PORT="${PM25_REDIS_PORT:-16379}"
PM25_SOLR_PORT="${PM25_SOLR_PORT:-18983}"
PM25_WEB_PORT="${PM25_WEB_PORT:-5000}"

PM25_SOLR_VERSION=9.10.1
PM25_JTS_VERSION=1.20.0

PM25_DB_PASSWORD="${PM25_DB_PASSWORD:-pass}"
PG_URL_BASE="postgresql://ckan_default:${PM25_DB_PASSWORD}@127.0.0.1:${PM25_PG_PORT}"
DS_WRITE_BASE="postgresql://ckan_default:${PM25_DB_PASSWORD}@127.0.0.1:${PM25_PG_PORT}"
DS_READ_BASE="postgresql://datastore_default:${PM25_DB_PASSWORD}@127.0.0.1:${PM25_PG_PORT}"

# The stack is ours only when the user has not pointed CKAN at their own services.
pm25_own_services() { [ -z "${CKAN_SQLALCHEMY_URL:-}${CKAN_SOLR_URL:-}${CKAN_REDIS_URL:-}" ]; }

say() { printf '\033[1m[pm25]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[pm25] %s\033[0m\n' "$*" >&2; exit 1; }

mkdir -p "$PM25_VAR" "$PM25_LOGS"
export PM25_LOGS   # the processes the suite starts log there too (tests/logs.py)
export PM25_VAR    # the browser tests find the npm tools under it (tests/accessibility.py)

# The test portal's port of a test slot: 5055 + slot, except that browsers refuse 5060 and 5061
# (SIP; Chromium's ERR_UNSAFE_PORT), so slots from 5 on use 5075 + slot. Usage: pm25_portal_port SLOT
pm25_portal_port() {
  local slot="${1:-0}"
  if [ "$slot" -lt 5 ]; then echo $((5055 + slot)); else echo $((5075 + slot)); fi
}

# Points CKAN (through its environment variables) at this stack's services for one database
# suffix, unless the user already points it at their own. Usage: pm25_export_ckan_env SUFFIX REDIS_DB PORT
pm25_export_ckan_env() {
  local suffix="$1" redis_db="$2" port="$3"
  export CKAN_SQLALCHEMY_URL="${CKAN_SQLALCHEMY_URL:-$PG_URL_BASE/ckan_$suffix}"
  export CKAN_DATASTORE_WRITE_URL="${CKAN_DATASTORE_WRITE_URL:-$DS_WRITE_BASE/datastore_$suffix}"
  export CKAN_DATASTORE_READ_URL="${CKAN_DATASTORE_READ_URL:-$DS_READ_BASE/datastore_$suffix}"
  export CKAN_SOLR_URL="${CKAN_SOLR_URL:-http://127.0.0.1:$PM25_SOLR_PORT/solr/ckan}"
  export CKAN_REDIS_URL="${CKAN_REDIS_URL:-redis://127.0.0.1:$PM25_REDIS_PORT/$redis_db}"
  export CKAN_SITE_ID="pm25_$suffix"
  export CKAN_SITE_URL="http://127.0.0.1:$port"
  export CKAN_STORAGE_PATH="$PM25_VAR/storage-$suffix"
}
