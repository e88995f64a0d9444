"""Who publishes what a source harvests, and which fields our scheming schema has."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestSource
from ckanext.pm25.harvesters.datasets import Publisher
from ckanext.pm25.harvesters.source_config import SourceConfig


def publisher_for(source: HarvestSource, config: SourceConfig) -> Publisher:
    """The organisation of the harvest source publishes what it harvests. Raises ValueError
    when the source has none (datasets cannot be unowned here)."""
    source_package = model.Package.get(source.id)
    org_id = source_package.owner_org if source_package else None
    group = model.Group.get(org_id) if org_id else None
    if group is None:
        raise ValueError("the harvest source belongs to no organisation; set one so harvested "
                         "datasets have a publisher")
    return Publisher(
        source_id=source.id,
        source_name=source_package.name if source_package else source.id,
        owner_org=group.id,
        org_title=group.title or group.name,
        maintainer=config.maintainer,
        maintainer_email=config.maintainer_email or tk.config.get(
            "ckanext.pm25.harvest.maintainer_email") or None,
        license_id=config.license_id,
    )


def check_contact(config: SourceConfig) -> None:
    """Raise ValueError (for the source form) when neither the source's config nor the site
    names the contact e-mail every harvested dataset publishes."""
    if not config.maintainer_email and not tk.config.get("ckanext.pm25.harvest.maintainer_email"):
        raise ValueError("maintainer_email: " + tk._(
            "required: the contact e-mail published on every station dataset (or set "
            "ckanext.pm25.harvest.maintainer_email for the whole site)"))


def _schema(dataset_type: str) -> dict[str, Any]:
    return tk.get_action("scheming_dataset_schema_show")(
        {"ignore_auth": True}, {"type": dataset_type})


def schema_fields(dataset_type: str = "dataset") -> tuple[frozenset[str], frozenset[str]]:
    """(dataset field names, resource field names) of our scheming schema."""
    schema = _schema(dataset_type)
    return (frozenset(f["field_name"] for f in schema["dataset_fields"]),
            frozenset(f["field_name"] for f in schema["resource_fields"]))


def required_fields(dataset_type: str = "dataset") -> frozenset[str]:
    return frozenset(f["field_name"] for f in _schema(dataset_type)["dataset_fields"]
                     if f.get("required"))
