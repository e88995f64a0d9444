#!/usr/bin/env bash
# `make stop`: stops, by pid, what `make run` and `make test` started.
source "$(dirname "$0")/env.sh"
for pidfile in "$PM25_VAR"/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" && say "stopped $(basename "$pidfile" .pid) (pid $pid)"
  fi
  rm -f "$pidfile"
done
bash "$PM25_ROOT/dev/cluster.sh" stop
bash "$PM25_ROOT/dev/services.sh" stop
