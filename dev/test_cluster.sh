#!/usr/bin/env bash
# `make test-cluster`: `make cluster` for the test slot's databases, then the end-to-end subset
# (harvest -> dashboard -> API -> search with province filters) and the fault tests
# (tests/cluster/) on that topology: CKAN searches through the Solr balancer on the SolrCloud
# collection, the DataStore and the dashboard read on the replica. Not part of CI (.ci/run): the
# cluster costs three more JVMs and a minute to start. PYTEST_ARGS replaces the subset. The cluster
# is stopped afterwards (the primary PostgreSQL and Redis stay up, as after `make test`).
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

suffix="test${PM25_SLOT:+_$PM25_SLOT}"
bash dev/cluster.sh start "$suffix"
eval "$(bash dev/cluster.sh env "$suffix")"
export PM25_CLUSTER=1   # tests/cluster run only here

# test.ini plus the dashboard's replica (a setting without an environment variable of CKAN's)
ini="$PM25_VAR/cluster/test-cluster.ini"
printf '%s\n' "[app:main]" "use = config:$PM25_ROOT/test.ini" \
  "ckanext.pm25.readings.read_url = $PM25_CLUSTER_READ_URL" >"$ini"

[ $# -gt 0 ] || set -- tests/cluster tests/readings/test_end_to_end.py tests/readings/test_api.py \
  tests/provinces/test_provinces_search.py tests/harvesters/test_air4thai_harvester.py -q
status=0
bash dev/test.sh "--ckan-ini=$ini" "$@" || status=$?
bash dev/cluster.sh stop

exit "$status"
