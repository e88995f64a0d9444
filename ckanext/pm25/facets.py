"""Search facets of the PM2.5 catalogue (filled by the schema/forms work)."""
from __future__ import annotations

from collections import OrderedDict


def dataset_facets(facets_dict: OrderedDict[str, str], package_type: str) -> OrderedDict[str, str]:
    return facets_dict
