#!/usr/bin/env bash
# `make test-readme`: README.rst's "Installing into an existing CKAN", followed as written by an
# administrator of a fresh CKAN $CKAN_PIN, so the instructions cannot rot. The site: its own
# virtualenv with CKAN and its pinned requirements alone, a ckan.ini from
# `ckan generate config` pointed at this stack's services, fresh databases on slot 11 (default)
# initialised by CKAN, and a Solr core of its own. Then each literal block of the section runs as
# the README gives it (only placeholders are filled in: <ckan>, /etc/ckan/ckan.ini, and psql's
# connection, which is this stack's), and the portal, served by the README's uWSGI command behind
# its nginx server block, must serve the platform: the plugins loaded, the dashboard, the province
# filter on Solr's spatial field, a demo harvest, the cron line, a repeat visit from the cache.
source "$(dirname "$0")/env.sh"
SOLR_HOME="$PM25_VAR/solr/home"      # dev/services.sh's

SECTION="Installing into an existing CKAN"
slot="${PM25_SLOT:-11}"
suffix="test_$slot"
port="$(pm25_portal_port "$slot")"
home="${PM25_README_HOME:-$PM25_VAR/readme-$CKAN_VERSION}"
site_venv="$home/venv"
checkout="$home/checkout"
ini="$home/ckan.ini"
core="ckan_readme_${CKAN_VERSION//./_}"
log="$home/commands.log"

pm25_own_services || die "the README test makes its own databases and Solr core: it runs on this stack's services only"
mkdir -p "$home" && : >"$log"

block() { "$PM25_PYTHON" "$PM25_ROOT/dev/readme_blocks.py" "$PM25_ROOT/README.rst" "$SECTION" "$1"; }

# Runs one README block in bash, in folder $1, with the site's virtualenv first on PATH and
# CKAN_INI naming the site's configuration (so a bare `ckan` is the site's, as on a real host).
run_block() {
  local folder="$1" script="$2"
  say "README: $(head -n 1 <<<"$script")$( [ "$(wc -l <<<"$script")" -gt 1 ] && echo ' …')"
  (cd "$folder" && PATH="$site_venv/bin:$PATH" CKAN_INI="$ini" VIRTUAL_ENV="$site_venv" \
     bash -euo pipefail -c "psql() { bash '$PM25_ROOT/dev/services.sh' psql -d 'datastore_$suffix'; }
$script") >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "README block failed (see $log):
$script"; }
}

# The site's ckan, without (site_ckan) and with (ckan) its configuration, logged.
site_ckan() { "$site_venv/bin/ckan" "$@" >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "ckan $* failed: see $log"; }; }
ckan() { site_ckan -c "$ini" "$@"; }

stop_portal() {
  local pidfile
  for pidfile in "$home/nginx.pid" "$home/uwsgi.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -f "$home/nginx.pid"
}
solr_cores() { curl -fsS "http://127.0.0.1:$PM25_SOLR_PORT/solr/admin/cores?action=$1&$2" >>"$log" 2>&1; }
unload_core() { solr_cores UNLOAD "core=$core&deleteInstanceDir=true" || true; }
cleanup() { stop_portal; unload_core; }
trap cleanup EXIT

# --- the fresh CKAN, as its own documentation installs it ---------------------------------------
# A production site: CKAN's pinned requirements and CKAN, none of its development tools.
install_site_ckan() {
  local pip=("$site_venv/bin/python" -m pip --disable-pip-version-check -q)
  local sdist_dir="$PM25_VAR/sdist"
  "$PM25_PYTHON" -m venv "$site_venv"
  "${pip[@]}" install -U "pip<26" "setuptools>=70,<81" wheel
  mkdir -p "$sdist_dir"
  [ -f "$sdist_dir/ckan-$CKAN_PIN.tar.gz" ] \
    || "${pip[@]}" download --no-deps --no-binary :all: -d "$sdist_dir" "ckan==$CKAN_PIN"
  tar -xzf "$sdist_dir/ckan-$CKAN_PIN.tar.gz" -O "ckan-$CKAN_PIN/requirements.txt" >"$home/requirements.txt"
  "${pip[@]}" install -r "$home/requirements.txt"
  "${pip[@]}" install "ckan==$CKAN_PIN"
}
stamp="$site_venv/.pm25-stamp"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "site $CKAN_PIN" ]; then
  say "A fresh CKAN $CKAN_PIN in $site_venv (log: $log)"
  rm -rf "$site_venv"
  install_site_ckan >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "CKAN did not install: see $log"; }
  echo "site $CKAN_PIN" >"$stamp"
fi
"$site_venv/bin/python" -m pip --disable-pip-version-check -q uninstall -y ckanext-pm25 >>"$log" 2>&1 || true

say "Fresh databases for slot $slot"
for db in "ckan_$suffix" "datastore_$suffix"; do
  bash "$PM25_ROOT/dev/services.sh" psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
bash "$PM25_ROOT/dev/services.sh" start "$suffix"

# Its Solr core, with CKAN's own schema (this stack's solrconfig.xml)
ckan_dir="$(dirname "$("$site_venv/bin/python" -c 'import ckan; print(ckan.__file__)')")"
unload_core
rm -rf "${SOLR_HOME:?}/$core" && mkdir -p "$SOLR_HOME/$core/conf"
cp "$ckan_dir/config/solr/schema.xml" "$SOLR_HOME/$core/conf/schema.xml"
cp "$PM25_ROOT/dev/solr/solrconfig.xml" "$SOLR_HOME/$core/conf/solrconfig.xml"
touch "$SOLR_HOME/$core/conf/protwords.txt" "$SOLR_HOME/$core/conf/synonyms.txt"
solr_cores CREATE "name=$core&instanceDir=$core" || die "Solr did not create core $core: see $PM25_LOGS/solr.log"

rm -f "$ini"
site_ckan generate config "$ini"
site_ckan config-tool "$ini" \
  "sqlalchemy.url = $PG_URL_BASE/ckan_$suffix" \
  "ckan.datastore.write_url = $DS_WRITE_BASE/datastore_$suffix" \
  "ckan.datastore.read_url = $DS_READ_BASE/datastore_$suffix" \
  "solr_url = http://127.0.0.1:$PM25_SOLR_PORT/solr/$core" \
  "ckan.redis.url = redis://127.0.0.1:$PM25_REDIS_PORT/$((1 + slot))" \
  "ckan.site_url = http://127.0.0.1:$port" \
  "ckan.site_id = pm25_readme" \
  "ckan.storage_path = $home/storage"
ckan db init

# --- the README's steps, as written ---------------------------------------------------------------
rm -rf "$checkout" && mkdir -p "$checkout"
git -C "$PM25_ROOT" ls-files -z | (cd "$PM25_ROOT" && tar --null -T - -cf -) | tar -xf - -C "$checkout"

# 1. the package, built in the checkout and installed from the wheel
run_block "$checkout" "$(block 1)"
located="$("$site_venv/bin/python" -c 'import ckanext.pm25 as p; print(p.__file__)')"
case "$located" in "$site_venv"/*) ;; *) die "ckanext.pm25 resolves to $located, not to the installed wheel" ;; esac

# 2. plugins and options: each line of the block set in ckan.ini as written
mapfile -t options < <(block 2 | "$PM25_PYTHON" -c '
import sys
options = []
for line in sys.stdin.read().splitlines():
    if line.startswith((" ", "\t")) and options:
        options[-1] += " " + line.strip()
    elif line.strip():
        options.append(line.strip())
print("\n".join(options))')
[ "${#options[@]}" -gt 3 ] || die "README step 2 has no options"
site_ckan config-tool "$ini" "${options[@]}"

# 3. Solr: the README's schema over the core's, then the core reloaded
run_block "$checkout" "$(block 3 | sed "s|<ckan>|$ckan_dir|g")"
cp "$checkout/schema.xml" "$checkout/stopwords_th.txt" "$SOLR_HOME/$core/conf/"
solr_cores RELOAD "core=$core" || die "Solr did not take the README's schema: see $PM25_LOGS/solr.log"

# 4. the databases
run_block "$home" "$(block 4)"

# 7. served as written: its wsgi.py, its uWSGI command and its nginx server block (only the
# socket, cache folder, port and the <storage>/<ckan> placeholders are this site's)
say "Serving the README's site on port $port (uWSGI behind nginx, step 7)"
"$site_venv/bin/python" -m pip --disable-pip-version-check -q install pyuwsgi >>"$log" 2>&1 \
  || die "pip install pyuwsgi failed: see $log"
block 6 >"$home/wsgi.py"
socket_path="$home/uwsgi.sock"
rm -rf "$home/nginx" && mkdir -p "$home/nginx/cache" "$home/nginx/temp"
(cd "$home" && PATH="$site_venv/bin:$PATH" bash -euo pipefail -c \
  "$(block 7 | sed "s|/run/ckan/uwsgi.sock|$socket_path|; s|/etc/ckan/ckan.ini|$ini|") \
     --pidfile $home/uwsgi.pid --daemonize $home/portal.log") || die "README's uWSGI command failed: see $home/portal.log"
{
  echo "pid $home/nginx.pid; error_log $home/nginx-error.log; events {}"
  [ "$(id -u)" != 0 ] || echo "user $(id -un) $(id -gn);"
  echo "http { include /etc/nginx/mime.types; access_log off;"
  for temp in client_body proxy fastcgi uwsgi scgi; do echo "${temp}_temp_path $home/nginx/temp/$temp;"; done
  block 8 | sed "s|/var/cache/nginx/ckan|$home/nginx/cache|; s|listen 80;|listen 127.0.0.1:$port;|;
                 s|<storage>|$home/storage|; s|<ckan>|$ckan_dir|; s|unix:/run/ckan/uwsgi.sock|unix:$socket_path|;
                 s|include uwsgi_params;|include /etc/nginx/uwsgi_params;|"
  echo "}"
} >"$home/nginx/nginx.conf"
nginx -p "$home/nginx" -c "$home/nginx/nginx.conf" -e "$home/nginx-error.log" \
  || die "nginx refused the README's server block: see $home/nginx-error.log and $home/nginx/nginx.conf"
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/api/3/action/status_show" >/dev/null 2>&1 && break
  [ -f "$home/uwsgi.pid" ] && kill -0 "$(cat "$home/uwsgi.pid")" 2>/dev/null \
    || { tail -n 30 "$home/portal.log" >&2; die "the portal did not start: see $home/portal.log"; }
  sleep 1
done
ckan pm25 demo load
ckan pm25 demo harvest --hours 6
# the background processes' cron line (step 6), with this site's configuration
run_block "$home" "$(block 5 | sed -n 's|^[^c]*\(ckan .*\)$|\1|p' | sed "s|/etc/ckan/ckan.ini|$ini|")"
"$site_venv/bin/python" "$PM25_ROOT/dev/readme_check.py" "http://127.0.0.1:$port"
# a repeat anonymous visit is the cache's, static files nginx's own
curl -fsS -o /dev/null "http://127.0.0.1:$port/pm25"
curl -fsS -D - -o /dev/null "http://127.0.0.1:$port/pm25" | grep -qi '^X-Cache-Status: HIT' \
  || die "the README's nginx did not serve a repeat /pm25 from its cache"
curl -fsS -D - -o /dev/null "http://127.0.0.1:$port/base/images/ckan-logo.png" | grep -qi '^Cache-Control: max-age=86400' \
  || die "the README's nginx did not serve CKAN's public files itself"
say "README.rst's installation steps work as written (CKAN $CKAN_PIN)"
