"""Messages of the harvest admin pages that ckanext-harvest (or CKAN, for its pages) builds at run
time, so that no extraction finds them: marked here for our Thai catalogue (dev/i18n.sh).

Translated where they are shown: the facet titles by our ``source/search.html``, the update
frequencies by ckanext-harvest's ``harvest_frequencies`` helper (``_(f.title())``), the empty
search results by CKAN's ``snippets/search_result_text.html`` (type 'harvest source', set by ours).
"""
from __future__ import annotations

from ckanext.pm25.common.messages import N_

FACET_TITLES = (N_("Frequency"), N_("Type"))
UPDATE_FREQUENCIES = (N_("Manual"), N_("Monthly"), N_("Weekly"), N_("Biweekly"), N_("Daily"), N_("Always"))
NO_SOURCES_FOUND = (N_("No harvest sources found"), N_('No harvest sources found for "{query}"'))
