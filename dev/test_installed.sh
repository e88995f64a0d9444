#!/usr/bin/env bash
# `make test-installed`: the tests a site's installation depends on, run against the WHEEL installed
# into a clean virtualenv beside CKAN, as a catalogue administrator installs it (not editable, not
# from the source tree): dev/installed.sh builds and installs it and copies tests/ beside no
# source; dev/test.sh runs from that copy with the installed virtualenv (so the installed ckan
# initialises the databases and the wheel's migrations are the ones applied).
# Arguments go to pytest after the selection; PM25_INSTALLED_TESTS (space-separated paths relative
# to tests/' parent) replaces the selection. PM25_INSTALLED_HOME: where the virtualenv, the wheel
# and the copy live. PM25_SLOT: the test slot (default 9, never `make test`'s default databases).
source "$(dirname "$0")/installed.sh"

# What runs against the installed wheel: the modules that read what only the package carries
# (migrations, schema and licences, templates and assets, translations, boundaries, demo data)
# and drive it the way a site does. The rest of the suite tests logic that is the same whichever
# way the code was installed.
SELECTION=(
  tests/test_stack.py                          # the plugins load from the entry points; Solr, DataStore, jobs, portal
  tests/dataset/test_schema_validation.py      # the scheming schema and its licences (schemas/licenses.json)
  tests/dataset/test_schema_locale.py          # the Thai catalogue (.mo)
  # a harvest end to end against the local Air4Thai imitation (the rest of that module, ~10 min,
  # is the harvester's logic, the same however it was installed): the datasets as the schema makes them
  tests/harvesters/test_air4thai_harvester.py::test_a_first_run_creates_a_station_dataset_with_its_hourly_table
  # ckan pm25 harvest run (the CLI's entry point; its --inline twin is the same command's logic,
  # left to make test) and ckan pm25 demo harvest (demo/)
  "tests/harvesters/test_harvest_cli.py::test_ckan_pm25_harvest_run_runs_one_job_to_its_end[through-queues]"
  tests/harvesters/test_harvest_cli.py::test_the_demo_harvest_fills_the_portal_with_current_readings
  tests/readings/test_end_to_end.py            # harvest -> summary (the pm25 migration's tables) -> dashboard
  tests/readings/test_pages.py                 # dashboard and province pages (templates, boundaries)
  tests/readings/test_browser.py               # the dashboard in Chromium (assets, webassets.yml, JS translations)
)
[ -z "${PM25_INSTALLED_TESTS:-}" ] || read -r -a SELECTION <<<"$PM25_INSTALLED_TESTS"

say "Building the wheel from the tracked files (log: $INSTALLED_LOG)"
wheel="$(build_wheel)"
prepare_installed_venv "$wheel"
prepare_suite
check_installed_import   # tests/conftest.py asserts it again inside pytest (PM25_TEST_INSTALLED=1)

PM25_VENV="$INSTALLED_VENV" PM25_TEST_ROOT="$INSTALLED_SUITE" PM25_TEST_INSTALLED=1 PM25_SLOT="${PM25_SLOT:-9}" \
  bash "$PM25_ROOT/dev/test.sh" --rootdir "$INSTALLED_SUITE" "${SELECTION[@]}" "$@"
