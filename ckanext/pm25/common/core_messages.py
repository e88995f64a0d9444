"""CKAN's own messages that the portal's pages and API show and that CKAN's Thai catalogue leaves
untranslated (CKAN 2.11 and 2.12), found by tests/readings/test_language_scan.py.

Named here only so that Babel extracts them into our catalogue, whose Thai CKAN merges with its
own (as for ckanext-harvest's messages): nothing imports this module.
"""
from __future__ import annotations

from ckanext.pm25.common.messages import N_

CORE_MESSAGES = (
    # every page: the header, the skip link, the search box
    N_("Skip to main content"),
    N_("Toggle navigation"),
    N_("Search Datasets..."),
    N_("Search datasets"),
    N_("Popular tags"),
    N_("Search datasets with the tag: {tag}"),
    N_("Search datasets with the tag: {name}"),
    N_("Search datasets by {name}: {label}"),
    N_("Datasets in organization: {group}"),  # CKAN 2.11: an organisation page's feed link
    # dataset and resource pages
    N_("Navigate to dataset: {title}"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Navigate to resource: {name}"),
    N_("Current resource: {name}"),
    N_("Data Dictionary"),
    N_("Data last updated"),
    N_("Metadata last updated"),
    N_("Dataset description:"),
    N_("Resource URL: {url}"),
    N_("This resource view is not available at the moment."),
    N_("You can copy and paste the embed code into a CMS or blog software that supports raw HTML"),
    # signing in, and the API's refusals
    N_("Username or Email"),
    N_("Click here to login"),
    N_("You might need to login to access this page."),
    N_("Access denied: %s"),
)
