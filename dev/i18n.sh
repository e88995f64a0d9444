#!/usr/bin/env bash
# The Thai catalogue of ckanext-pm25: extract every message (Python `_`, `N_`, `ungettext`;
# templates; JS modules) and those of ckanext-harvest's templates (the harvest admin pages the
# portal shows: CKAN merges the catalogues of all plugins, and ckanext-harvest has no Thai one),
# update ckanext/pm25/i18n/th/LC_MESSAGES/ckanext-pm25.po, merge the helpers' translations
# (ckanext/pm25/i18n/th-*.txt: `msgid<TAB>msgstr` lines, `msgid<TAB>msgid_plural<TAB>msgstr`
# for a plural message), compile the .mo.
# Prints the messages still untranslated; `dev/i18n.sh --strict` fails when there are any.
source "$(dirname "$0")/env.sh"
cd "$PM25_ROOT"

I18N=ckanext/pm25/i18n
DOMAIN=ckanext-pm25
PO="$I18N/th/LC_MESSAGES/$DOMAIN.po"
PYBABEL="$VENV/bin/pybabel"

"$PYBABEL" extract -F babel.cfg -k _ -k N_ -k ungettext:1,2 --sort-by-file --width 100 \
  --project ckanext-pm25 --copyright-holder "ckanext-pm25 contributors" \
  -o "$I18N/$DOMAIN.pot" ckanext/pm25
HARVEST_POT="$(mktemp)"; trap 'rm -f "$HARVEST_POT"' EXIT
SITE="$("$VENV/bin/python" -c 'import ckanext.harvest as h, os; print(os.path.dirname(os.path.dirname(os.path.dirname(h.__file__))))')"
(cd "$SITE" && "$PYBABEL" extract -F "$PM25_ROOT/dev/i18n_harvest.cfg" -k _ -k ungettext:1,2 \
  --sort-by-file --width 100 -o "$HARVEST_POT" ckanext/harvest/templates)
"$VENV/bin/python" dev/i18n_merge.py --combine "$I18N/$DOMAIN.pot" "$HARVEST_POT"
if [ -f "$PO" ]; then
  "$PYBABEL" update -D "$DOMAIN" -i "$I18N/$DOMAIN.pot" -d "$I18N" -l th --width 100 \
    --no-fuzzy-matching --ignore-obsolete
else
  "$PYBABEL" init -D "$DOMAIN" -i "$I18N/$DOMAIN.pot" -d "$I18N" -l th --width 100
fi
CKAN_PO="$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "i18n", "th", "LC_MESSAGES", "ckan.po"))')"
"$VENV/bin/python" dev/i18n_merge.py --core "$CKAN_PO" "$PO" "$I18N"/th-*.txt
"$PYBABEL" compile -D "$DOMAIN" -d "$I18N" -l th --statistics
"$VENV/bin/python" dev/i18n_merge.py --report "$PO" "$@"
