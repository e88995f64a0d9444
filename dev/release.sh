#!/usr/bin/env bash
# `make release`: the sdist and wheel of the committed tree in dist/, checked by `twine check`,
# then the commands that publish them (printed, never run: uploading stays a person's decision).
# Refuses a tree with uncommitted changes, a version CHANGELOG.rst has no section for and a
# version already tagged.
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

[ -z "$(git status --porcelain --untracked-files=no)" ] || die "uncommitted changes: commit them first (a release is built from HEAD)"
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' ckanext/pm25/__init__.py)"
[ -n "$version" ] || die "no __version__ in ckanext/pm25/__init__.py"
grep -qx "$version" CHANGELOG.rst || die "CHANGELOG.rst has no section $version: move the Unreleased entries under it"
! git rev-parse -q --verify "refs/tags/v$version" >/dev/null \
  || die "v$version is tagged already: bump __version__ in ckanext/pm25/__init__.py for a new release"

# Built from an export of HEAD, so nothing left over in the checkout (build/, *.egg-info,
# untracked files) reaches the distributions.
source_dir="$(mktemp -d)"
trap 'rm -rf "$source_dir"' EXIT
git archive HEAD | tar -xf - -C "$source_dir"
rm -rf dist
say "Building ckanext-pm25 $version (sdist and wheel) into dist/"
"$VENV/bin/python" -m build --no-isolation --outdir dist "$source_dir" >"$PM25_LOGS/release.log" 2>&1 \
  || { tail -n 30 "$PM25_LOGS/release.log" >&2; die "the build failed: see $PM25_LOGS/release.log"; }
"$VENV/bin/python" -m twine check --strict dist/*

cat <<EOF

dist/ holds ckanext-pm25 $version, checked. To publish it (needs a PyPI API token; try
https://test.pypi.org first with --repository testpypi):

    $VENV/bin/python -m twine upload dist/ckanext_pm25-$version.tar.gz dist/ckanext_pm25-$version-py3-none-any.whl
    git tag -a v$version -m "ckanext-pm25 $version" && git push origin v$version

EOF
