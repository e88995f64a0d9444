#!/usr/bin/env bash
# The portal served as in production (`make run`; the serving stack test): uWSGI with
# $PM25_WEB_WORKERS processes of $PM25_WEB_THREADS threads (default 2 x 4: a process per core of a
# two-core machine, threads to overlap the waits on PostgreSQL and Solr; docs/architecture.md
# says what was measured) on a Unix socket, and nginx on
# 127.0.0.1:$PM25_WEB_PORT in front: CKAN's public folders and webassets output served from disk,
# everything else through a proxy cache (anonymous answers CKAN marks public; a request with a
# session, "remember me" or API token bypasses it). Header X-Cache-Status: HIT, MISS, BYPASS, ….
#
# Usage: serve.sh start CKAN_INI | stop | status
# PM25_SERVE_DIR: the sockets, pids, configuration and cache (default .stack/run, whose pids
# `make stop` stops). Logs: $PM25_LOGS/uwsgi-<port>.log, nginx-<port>-{error,access}.log.
source "$(dirname "$0")/env.sh"

SERVE_DIR="${PM25_SERVE_DIR:-$PM25_VAR/run}"
WORKERS="${PM25_WEB_WORKERS:-2}"
THREADS="${PM25_WEB_THREADS:-4}"
PORT="$PM25_WEB_PORT"
NGINX_DIR="$SERVE_DIR/nginx"
SOCKET="$SERVE_DIR/uwsgi.sock"
UWSGI_PID="$SERVE_DIR/web.pid"
NGINX_PID="$SERVE_DIR/nginx.pid"

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# nginx's configuration from the site's facts (dev/serve/site_facts.py): its public folders as a
# chain of locations (the first holding the file serves it), webassets from their folder, and
# the rest to uWSGI through the cache.
write_nginx_conf() {
  local ini="$1" kind value url="" webassets="" publics=() cookies=() bypass=""
  while read -r kind value; do
    case "$kind" in
      webassets) url="${value%% *}"; webassets="${value#* }" ;;
      public) publics+=("$value") ;;
      cookie) cookies+=("$value") ;;
    esac
  done < <(CKAN_INI="$ini" "$VENV/bin/python" "$PM25_ROOT/dev/serve/site_facts.py" 2>>"$PM25_LOGS/uwsgi-$PORT.log")
  [ -n "$webassets" ] && [ "${#publics[@]}" -gt 0 ] || return 1
  for value in "${cookies[@]}"; do bypass+="\$cookie_$value "; done
  bypass+='$http_authorization $http_x_ckan_api_key'
  local user_line=""
  [ "$(id -u)" != 0 ] || user_line="user $(id -un) $(id -gn);"
  {
    cat <<NGINX
# Written by dev/serve.sh on every start: edit that script, not this file.
$user_line
worker_processes 2;
pid $NGINX_PID;
error_log $PM25_LOGS/nginx-$PORT-error.log warn;
events { worker_connections 2048; }
http {
  include /etc/nginx/mime.types;
  types { application/geo+json geojson; }
  default_type application/octet-stream;
  # "combined", with any lat= or lon= in the request line and the referer cut after its second
  # decimal: a person's location is never logged precisely (readings/coarse_point.py)
  map \$request \$pm25_request_lat { "~^(?<head>.*[?&]lat=[-+]?[0-9]+[.][0-9][0-9])[0-9]+(?<tail>.*)" "\$head\$tail"; default \$request; }
  map \$pm25_request_lat \$pm25_request { "~^(?<head>.*[?&]lon=[-+]?[0-9]+[.][0-9][0-9])[0-9]+(?<tail>.*)" "\$head\$tail"; default \$pm25_request_lat; }
  map \$http_referer \$pm25_referer_lat { "~^(?<head>.*[?&]lat=[-+]?[0-9]+[.][0-9][0-9])[0-9]+(?<tail>.*)" "\$head\$tail"; default \$http_referer; }
  map \$pm25_referer_lat \$pm25_referer { "~^(?<head>.*[?&]lon=[-+]?[0-9]+[.][0-9][0-9])[0-9]+(?<tail>.*)" "\$head\$tail"; default \$pm25_referer_lat; }
  log_format pm25 '\$remote_addr - \$remote_user [\$time_local] "\$pm25_request" \$status \$body_bytes_sent "\$pm25_referer" "\$http_user_agent"';
  access_log $PM25_LOGS/nginx-$PORT-access.log pm25 buffer=64k flush=5s;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 10000;
  client_max_body_size 100m;
  client_body_temp_path $NGINX_DIR/temp/body;
  proxy_temp_path $NGINX_DIR/temp/proxy;
  fastcgi_temp_path $NGINX_DIR/temp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/temp/uwsgi;
  scgi_temp_path $NGINX_DIR/temp/scgi;
  gzip on;
  gzip_vary on;
  gzip_proxied any;
  gzip_comp_level 5;
  gzip_min_length 256;
  gzip_types text/css application/javascript text/javascript application/json application/geo+json
             text/csv image/svg+xml application/vnd.ms-fontobject font/ttf image/x-icon;

  # What CKAN marks "Cache-Control: public" (ckanext-pm25's readings pages for anonymous
  # visitors), kept for its max-age, then revalidated with its ETag (one small query and a 304).
  uwsgi_cache_path $NGINX_DIR/cache levels=1:2 keys_zone=pm25:20m max_size=1g inactive=1h use_temp_path=off;
  upstream ckan { server unix:$SOCKET; }

  server {
    listen 127.0.0.1:$PORT;
    server_name _;

    # webassets' files are named by a hash of their content: a new version is a new URL, so a
    # browser may keep each one for a year without asking again
    location ^~ $url/ {
      alias $webassets/;
      add_header Cache-Control "public, max-age=31536000, immutable";
      error_page 404 = @ckan;
    }
NGINX
    local index next
    for index in "${!publics[@]}"; do
      next="@public$((index + 1))"
      [ "$index" -lt $((${#publics[@]} - 1)) ] || next="@ckan"
      if [ "$index" = 0 ]; then echo "    location / {"; else echo "    location @public$index {"; fi
      echo "      root ${publics[$index]};"
      echo "      expires 1d;"
      echo "      try_files \$uri $next;"
      echo "    }"
    done
    cat <<NGINX
    location @ckan {
      include /etc/nginx/uwsgi_params;
      uwsgi_pass ckan;
      uwsgi_cache pm25;
      uwsgi_cache_key \$scheme\$host\$request_uri;
      # a signed-in user (session or "remember me" cookie) or an API token: never from the
      # cache, never into it
      uwsgi_cache_bypass $bypass;
      uwsgi_no_cache $bypass;
      # the page varies on Cookie only through the cookies above, which bypass the cache
      uwsgi_ignore_headers Vary;
      uwsgi_cache_revalidate on;
      uwsgi_cache_lock on;
      uwsgi_cache_use_stale updating error timeout http_500 http_503;
      uwsgi_cache_background_update on;
      add_header X-Cache-Status \$upstream_cache_status always;
    }
  }
}
NGINX
  } >"$NGINX_DIR/nginx.conf"
}

start() {
  local ini; ini="$(realpath "$1")"
  command -v nginx >/dev/null || die "nginx is missing: apt-get install nginx-light"
  [ -x "$VENV/bin/uwsgi" ] || die "uWSGI is missing from $VENV: make install"
  if pid_alive "$UWSGI_PID" || pid_alive "$NGINX_PID"; then die "already serving from $SERVE_DIR: stop it first"; fi
  local owner; owner="$(ss -Hltnp "sport = :$PORT" 2>/dev/null | head -n 1)"
  [ -z "$owner" ] || die "port $PORT is taken ($owner). Free it or choose another: PM25_WEB_PORT=NNNN make …"
  mkdir -p "$NGINX_DIR/temp" "$NGINX_DIR/cache"
  rm -rf "${NGINX_DIR:?}/cache/"*   # a new start serves nothing an earlier code or database made
  # the official images' options: a master, lazy apps (each worker opens its own connections),
  # 32 kB headers, a worker stuck for 60 s is replaced; -L: CKAN logs each request itself;
  # threads as well (the images run 2 single-threaded processes)
  CKAN_INI="$ini" "$VENV/bin/uwsgi" --socket "$SOCKET" --chmod-socket=660 \
    --wsgi-file "$PM25_ROOT/dev/serve/wsgi.py" --callable application --need-app \
    --master --enable-threads --lazy-apps --processes "$WORKERS" --threads "$THREADS" -L --buffer-size 32768 --vacuum \
    --harakiri 60 --die-on-term --listen 1024 \
    --pidfile "$UWSGI_PID" --daemonize "$PM25_LOGS/uwsgi-$PORT.log" \
    || die "uWSGI did not start: see $PM25_LOGS/uwsgi-$PORT.log"
  # while the workers load CKAN
  write_nginx_conf "$ini" || { stop; die "could not read the portal's static folders from $ini: see $PM25_LOGS/uwsgi-$PORT.log"; }
  nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$PM25_LOGS/nginx-$PORT-error.log" \
    || { stop; die "nginx did not start: see $PM25_LOGS/nginx-$PORT-error.log"; }
  local url="http://127.0.0.1:$PORT/api/3/action/status_show"
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    pid_alive "$UWSGI_PID" || break
    sleep 0.5
  done
  stop
  die "the portal did not answer $url: see $PM25_LOGS/uwsgi-$PORT.log"
}

stop_pid() {  # name, pid file
  pid_alive "$2" || return 0
  local pid; pid="$(cat "$2")"
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$2"
  say "stopped $1 (pid $pid)"
}

stop() { stop_pid nginx "$NGINX_PID"; stop_pid uwsgi "$UWSGI_PID"; }

status() {
  local workers
  if pid_alive "$UWSGI_PID"; then
    workers="$(pgrep -c -P "$(cat "$UWSGI_PID")" || true)"
    say "uWSGI: master $(cat "$UWSGI_PID"), $workers worker processes of $THREADS threads, socket $SOCKET"
  else
    say "uWSGI: not running"
  fi
  if pid_alive "$NGINX_PID"; then
    say "nginx: master $(cat "$NGINX_PID"), http://127.0.0.1:$PORT (cache $NGINX_DIR/cache)"
  else
    say "nginx: not running"
  fi
}

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start CKAN_INI"; start "$2" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start CKAN_INI | stop | status" >&2; exit 2 ;;
esac
