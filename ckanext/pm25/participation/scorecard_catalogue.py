"""The scorecard's catalogue facts of every agency, from CKAN's ``package_search``: the public
PM2.5 datasets as the index holds them (shown dicts, resources included), a page of
``ckan.search.rows_max`` at a time, counted per owning organisation."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.participation.scorecard_figures import Agency, CatalogueFacts, catalogue_facts


def _public_datasets() -> Iterator[dict[str, Any]]:
    """Every active public dataset of the PM2.5 schema (type ``dataset``), the same for every
    visitor (``ignore_auth``: no permission labels; private datasets are never included)."""
    search = tk.get_action("package_search")
    page = int(tk.config.get("ckan.search.rows_max"))
    start = 0
    while True:
        result = search({"ignore_auth": True}, {"fq": "+dataset_type:dataset", "rows": page, "start": start,
                                                 "sort": "id asc", "include_private": False,
                                                 "facet": "false"})
        yield from result["results"]
        start += len(result["results"])
        if not result["results"] or start >= result["count"]:
            return


def catalogue(agencies: dict[str, Agency]) -> dict[str, CatalogueFacts]:
    """Each owning organisation's facts (by id); ``agencies`` gains every organisation seen."""
    def noting_owners() -> Iterator[dict[str, Any]]:
        for dataset in _public_datasets():
            organization = dataset.get("organization") or {}
            owner = dataset.get("owner_org")
            if owner and owner not in agencies and organization.get("name"):
                agencies[owner] = Agency(owner, organization["name"],
                                         organization.get("title") or organization["name"])
            yield dataset

    return catalogue_facts(noting_owners())
