#!/usr/bin/env bash
# Installs what is missing, and only that: Debian packages, the CKAN virtualenv, the Solr jars.
# A second run downloads nothing.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

DEBIAN_PACKAGES=(postgresql postgresql-contrib redis-server openjdk-17-jre-headless maven
                 libpq-dev build-essential chromium chromium-driver curl nodejs
                 fonts-thai-tlwg   # Thai glyphs in the browser tests' screenshots
                 nginx-light)      # make run: static files and the proxy cache in front of uWSGI

# The Debian packages named (default: DEBIAN_PACKAGES) that are not installed yet.
install_debian_packages() {
  local wanted=("$@"); [ $# -gt 0 ] || wanted=("${DEBIAN_PACKAGES[@]}")
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "Missing Debian packages (${missing[*]}) and no apt-get: install them, or point CKAN at your own services (see README)."
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$PM25_LOGS/apt.log" 2>&1 || die "apt-get update failed: see $PM25_LOGS/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$PM25_LOGS/apt.log" 2>&1 \
    || die "apt-get install failed: see $PM25_LOGS/apt.log"
}

# CKAN $CKAN_PIN and its pinned requirements (they ship in its sdist: a pip-installed ckan does not
# pull them in) into the virtualenv $1, created if missing. dev/test_installed.sh uses it too.
install_ckan_into() {
  local venv="$1"
  local pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
  local sdist_dir="$PM25_VAR/sdist"
  [ -x "$venv/bin/python" ] || "$PM25_PYTHON" -m venv "$venv"
  mkdir -p "$sdist_dir"
  "${pip[@]}" install -U "pip<26" "setuptools>=70,<81" wheel
  if [ ! -f "$sdist_dir/ckan-$CKAN_PIN.tar.gz" ]; then
    "${pip[@]}" download --no-deps --no-binary :all: -d "$sdist_dir" "ckan==$CKAN_PIN"
  fi
  rm -rf "$sdist_dir/ckan-$CKAN_PIN" && tar -xzf "$sdist_dir/ckan-$CKAN_PIN.tar.gz" -C "$sdist_dir"
  "${pip[@]}" install -r "$sdist_dir/ckan-$CKAN_PIN/requirements.txt" \
                      -r "$sdist_dir/ckan-$CKAN_PIN/dev-requirements.txt"
  "${pip[@]}" install "ckan==$CKAN_PIN"
}

# pip is skipped when nothing that decides the environment has changed since the last install.
install_virtualenv() {
  local stamp="$VENV/.pm25-stamp"
  local want
  want="$CKAN_PIN $(cat "$PM25_ROOT/pyproject.toml" | sha1sum | cut -c1-12)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "Preparing the CKAN $CKAN_PIN virtualenv in $VENV (log: $PM25_LOGS/pip-$CKAN_VERSION.log)"
  local log="$PM25_LOGS/pip-$CKAN_VERSION.log"
  {
    install_ckan_into "$VENV"
    "$VENV/bin/python" -m pip --disable-pip-version-check -q install -e "$PM25_ROOT[test,lint,serve]"
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "pip install failed: see $log (is the PyPI registry reachable?)"; }
  echo "$want" >"$stamp"
}

install_solr_jars() {
  local classpath_file="$PM25_VAR/solr/classpath.txt"
  mkdir -p "$PM25_VAR/solr"
  if [ -s "$classpath_file" ] && tr ':' '\n' <"$classpath_file" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is missing: apt-get install maven"
  say "Fetching Solr $PM25_SOLR_VERSION and JTS $PM25_JTS_VERSION from Maven Central (log: $PM25_LOGS/maven.log)"
  mvn -q -f "$PM25_ROOT/dev/solr/pom.xml" dependency:build-classpath \
      -Dsolr.version="$PM25_SOLR_VERSION" -Djts.version="$PM25_JTS_VERSION" \
      -Dmdep.outputFile="$classpath_file" >"$PM25_LOGS/maven.log" 2>&1 \
    || { tail -n 20 "$PM25_LOGS/maven.log" >&2; die "Maven could not fetch the Solr jars: see $PM25_LOGS/maven.log (is the Maven registry reachable?)"; }
}

# The npm tools the browser tests drive (axe-core), pinned by dev/node/package-lock.json.
install_node_tools() {
  local target="$PM25_VAR/node"
  local stamp="$target/.pm25-stamp"
  local want; want="$(sha1sum "$PM25_ROOT/dev/node/package-lock.json" | cut -c1-12)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if ! command -v npm >/dev/null; then  # Debian's nodejs comes without it (NodeSource's has it)
    install_debian_packages npm
  fi
  say "Installing the browser tests' npm tools into $target (log: $PM25_LOGS/npm.log)"
  mkdir -p "$target"
  cp "$PM25_ROOT/dev/node/package.json" "$PM25_ROOT/dev/node/package-lock.json" "$target/"
  (cd "$target" && npm ci --no-audit --no-fund) >"$PM25_LOGS/npm.log" 2>&1 \
    || { tail -n 20 "$PM25_LOGS/npm.log" >&2; die "npm ci failed: see $PM25_LOGS/npm.log (is the npm registry reachable?)"; }
  echo "$want" >"$stamp"
}

# Run (not sourced by another script): install what is missing.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  install_debian_packages
  install_virtualenv
  install_solr_jars
  install_node_tools
fi
