"""``pm25_agency_ckan``: PM2.5 datasets of an agency's CKAN catalogue (GD-Catalog schema).

- Gather: ``package_search`` for each query term (default: the Thai and English PM2.5 words),
  paged, the results united. Only new datasets and those whose ``metadata_modified`` changed
  since our copy get an object (incremental). When every page was read, a dataset we hold
  that upstream no longer lists (deleted or made private there) gets an object withdrawing it;
  after a failed page nothing is withdrawn, and an empty answer while we hold datasets is
  reported instead of withdrawing them all (a wrong query should not empty the catalogue).
- Fetch: ``package_show``; a 403/404 answer (made private or deleted since the search) also
  withdraws the dataset.
- Import: the dataset with every field of our schema as upstream has it, owned by the source's
  organisation, with ids and name that include the source so two sources carrying the same
  upstream dataset do not collide. Provinces come from upstream's ``spatial``, else from the
  GD-Catalog bounding fields, else from province names in the title and tags. Resources are
  linked (same URLs), not copied.

Withdrawn means deleted here (state ``deleted``, recoverable from the trash; purged never): a
dataset the agency no longer publishes must not stay public, and private here would still show
it to the harvesting organisation's members as if it were theirs. If it comes back upstream,
the next run restores it under the same id and name.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo import provinces
from ckanext.pm25.provinces import located
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.harvesters import budget, locks, objects, publishing, recording, settings, site_user, stages
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, CANNOT_IMPORT, english
from ckanext.pm25.harvesters.datasets import (agency_dataset, agency_guid, agency_package_id,
                                              bbox_polygon, tag_names, upstream_spatial)
from ckanext.pm25.harvesters.http import FetchError, fetch_json, make_session
from ckanext.pm25.harvesters.normalise import (PayloadError, parse_package_search,
                                               parse_package_show, snippet_of)
from ckanext.pm25.harvesters.source_config import AgencyConfig, parse_agency_config
from ckanext.pm25.common.times import parse_utc

SEARCH = "/package_search"
SHOW = "/package_show"


def api_base(url: str) -> str:
    """``…/api/3/action`` of a catalogue given by its root or its API URL."""
    root = url.strip().rstrip("/")
    for suffix in ("/api/3/action", "/api/action", "/api/3", "/api"):
        if root.endswith(suffix):
            root = root[: -len(suffix)]
            break
    return root + "/api/3/action"


def site_root(url: str) -> str:
    return api_base(url)[: -len("/api/3/action")]


def _modified(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return parse_utc(value).replace(tzinfo=None)  # naive UTC, as harvest objects store it
    except ValueError:
        return None


class AgencyCkanHarvester(stages.Pm25HarvesterBase):

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_agency_ckan",
            # English msgids, shown translated by harvesters/helpers.py
            "title": N_("Agency CKAN catalogue (PM2.5 datasets)"),
            "description": N_("PM2.5 datasets of a ministry's or province's CKAN catalogue "
                              "(GD-Catalog fields kept), with provinces and linked resources."),
        }

    def parse_config(self, text: str | None) -> AgencyConfig:
        return parse_agency_config(text)

    def get_original_url(self, harvest_object_id: str) -> str | None:
        """The dataset's page on the agency catalogue (linked from the job report)."""
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or ":" not in obj.guid:
            return None
        return f"{site_root(obj.source.url)}/dataset/{obj.guid.split(':', 1)[1]}"

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: AgencyConfig) -> list[str]:
        try:
            publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
            return []
        listing, complete = self._listing(job, config)
        ours = {guid: (package_id, modified)
                for guid, package_id, modified in objects.current_objects(job.source_id)}
        items = []
        for upstream_id, (name, modified) in listing.items():
            guid = agency_guid(job.source_id, upstream_id)
            known = ours.get(guid)
            package = model.Package.get(known[0]) if known and known[0] else None
            if known and package is not None and package.state == "active" \
                    and modified is not None and known[1] == modified:
                continue  # unchanged upstream since our copy
            items.append({"guid": guid, "metadata_modified_date": modified,
                          "content": json.dumps({"upstream_id": upstream_id, "name": name})})
        if complete:
            items += self._withdrawals(job, listing, ours)
        return objects.insert_objects(job, items)

    def _listing(self, job: HarvestJob, config: AgencyConfig,
                 ) -> tuple[dict[str, tuple[str, datetime | None]], bool]:
        """upstream id → (name, metadata_modified) of every match, and whether every page was
        read. Only these small tuples are kept, never whole datasets."""
        url = api_base(job.source.url) + SEARCH
        policy = budget.within(settings.http_policy(config.http), budget.spent_in_gather(job))
        session = make_session(policy)
        listing: dict[str, tuple[str, datetime | None]] = {}
        complete = True
        try:
            for term in config.query:
                start = 0
                while True:
                    params: dict[str, Any] = {"q": term, "rows": config.page_size,
                                              "start": start,
                                              "sort": "metadata_modified asc, id asc"}
                    if config.fq:
                        params["fq"] = config.fq
                    if budget.spent_in_gather(job) >= budget.seconds():
                        recording.record_gather_error(job, budget.stopped(
                            budget.spent_in_gather(job),
                            f"before the search results for {term!r} from {start}; nothing is "
                            f"withdrawn this run"))
                        return listing, False
                    try:
                        fetched = fetch_json(url, policy, params=params, session=session)
                        recording.report_fallback(job.id, fetched)
                        page = parse_package_search(fetched.data)
                    except (FetchError, PayloadError) as error:
                        if isinstance(error, FetchError) and error.kind == "out_of_time":
                            recording.record_gather_error(job, budget.stopped(
                                budget.spent_in_gather(job),
                                f"while fetching the search results for {term!r} from {start}; "
                                f"nothing is withdrawn this run"), url=error.url)
                            return listing, False
                        message, where, snippet = recording.upstream_failure(
                            f"search results for {term!r} from {start}", error, url)
                        recording.record_gather_error(job, message + "; nothing is withdrawn this run",
                                                 url=where, snippet=snippet)
                        complete = False
                        break
                    for issue in page.issues:
                        recording.record_gather_error(job, f"{issue.code}: {issue.message}",
                                                 url=url, snippet=issue.snippet)
                    for dataset in page.datasets:
                        if dataset.get("private") is True or \
                                dataset.get("state", "active") != "active":
                            continue
                        upstream_id = str(dataset.get("id") or dataset.get("name"))
                        listing[upstream_id] = (str(dataset.get("name") or upstream_id),
                                                _modified(dataset.get("metadata_modified")))
                    start += config.page_size
                    if len(listing) >= config.max_datasets:
                        recording.record_gather_error(
                            job, f"More than max_datasets ({config.max_datasets}) datasets "
                                 f"match; the rest are left for later and nothing is withdrawn "
                                 f"this run")
                        return listing, False
                    if (not page.datasets and not page.issues) or start >= page.count:
                        break
        finally:
            session.close()
        return listing, complete

    def _withdrawals(self, job: HarvestJob, listing: dict[str, Any],
                     ours: dict[str, tuple[str | None, datetime | None]]) -> list[dict[str, Any]]:
        listed = {agency_guid(job.source_id, upstream_id) for upstream_id in listing}
        candidates = []
        for guid, (package_id, _modified) in ours.items():
            if guid in listed or not package_id:
                continue
            package = model.Package.get(package_id)
            if package is not None and package.state == "active":
                candidates.append(guid)
        if candidates and not listing:
            recording.record_gather_error(
                job, f"Upstream lists no matching dataset at all while {len(candidates)} harvested "
                     f"from it are published here; nothing is withdrawn. Check the source's "
                     f"query, or clear the source to remove them.")
            return []
        return [{"guid": guid, "content": json.dumps(
            {"withdraw": True, "upstream_id": guid.split(":", 1)[1],
             "reason": "no longer listed by the upstream catalogue (deleted or made private)"})}
            for guid in candidates]

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: AgencyConfig) -> bool:
        content = json.loads(obj.content or "{}")
        if content.get("withdraw"):
            return True
        spent = budget.spent_before_fetch(obj, "before this dataset was fetched; our copy is left as it was and it is "
                                          "fetched again next run")
        if spent is None:
            return False
        url = api_base(obj.source.url) + SHOW
        try:
            fetched = fetch_json(url, budget.within(settings.http_policy(config.http), spent),
                                 params={"id": content["upstream_id"]})
        except FetchError as error:
            if error.kind == "out_of_time":
                recording.record_object_error(obj, budget.stopped(
                    budget.spent(obj.job, obj), "while fetching this dataset; our copy is left "
                                                "as it was"), "Fetch", url=error.url)
                return False
            if error.kind == "http_status" and error.status in (403, 404):
                content.update(withdraw=True, reason=f"upstream package_show answered HTTP "
                                                     f"{error.status} (made private or deleted)")
                obj.content = json.dumps(content, ensure_ascii=False)
                obj.save()
                return True
            message, where, snippet = recording.fetch_failure("the dataset", error)
            recording.record_object_error(obj, message + "; our copy is left as it was", "Fetch",
                                     url=where, snippet=snippet)
            return False
        recording.report_fallback(obj.harvest_job_id, fetched)
        try:
            dataset = parse_package_show(fetched.data)
        except PayloadError as error:
            message, _, snippet = recording.payload_failure("dataset", error)
            recording.record_object_error(obj, message + "; our copy is left as it was", "Fetch",
                                     url=fetched.final_url, snippet=snippet)
            return False
        if dataset.get("private") is True or dataset.get("state", "active") != "active":
            content.update(withdraw=True, reason="upstream dataset is private or deleted")
        else:
            content["dataset"] = dataset
        obj.content = json.dumps(content, ensure_ascii=False)
        obj.save()
        return True

    # --- import ------------------------------------------------------------------------------

    def do_import(self, obj: HarvestObject, config: AgencyConfig) -> bool | str:
        content = json.loads(obj.content or "{}")
        package_id = agency_package_id(obj.harvest_source_id, content["upstream_id"])
        with locks.item_lock(f"pm25-harvest:{obj.harvest_source_id}:{obj.guid}"):
            if content.get("withdraw"):
                return self._withdraw(obj, package_id)
            try:
                publisher = publishing.publisher_for(obj.source, config)
            except ValueError as error:
                recording.record_object_error(obj, english(CANNOT_IMPORT, error=error), "Import")
                return False
            upstream = content["dataset"]
            dataset_fields, resource_fields = publishing.schema_fields()
            desired = agency_dataset(
                upstream, publisher, dataset_fields=dataset_fields,
                resource_fields=resource_fields,
                upstream_page=f"{site_root(obj.source.url)}/dataset/{upstream.get('name')}")
            self._geography(obj, upstream, desired)
            try:
                self._save(obj, desired, package_id)
            except tk.ValidationError as error:
                model.Session.rollback()
                recording.record_object_error(
                    obj, f"The upstream dataset does not pass this catalogue's validation: "
                         f"{recording.validation_message(error)}; our copy is left as it was",
                    "Import", snippet=snippet_of({k: upstream.get(k) for k in (
                        "name", "title", "data_type", "license_id", "maintainer_email")}))
                return False
            objects.make_current(obj, package_id)
            return True

    def _save(self, obj: HarvestObject, desired: dict[str, Any], package_id: str) -> None:
        """package_create/update; when only optional fields fail validation (a value outside
        our choices, say), the dataset is saved without them and each is recorded with its
        upstream value. A required field that fails keeps the dataset out."""
        action = "package_update" if model.Package.get(package_id) else "package_create"
        try:
            objects.stand_for(obj, package_id)
            site_user.call(action, desired)
            return
        except tk.ValidationError as error:
            failed = set(error.error_dict) if isinstance(error.error_dict, dict) else set()
            droppable = failed - publishing.required_fields() - {"name", "owner_org", "tags",
                                                           "tag_string", "resources", "id"}
            if not failed or failed != droppable:
                raise
            model.Session.rollback()
            detail = {name: {"upstream": desired.get(name), "error": error.error_dict[name]}
                      for name in sorted(droppable)}
        objects.stand_for(obj, package_id)
        site_user.call(action, {k: v for k, v in desired.items() if k not in droppable})
        recording.record_object_error(
            obj, f"Saved without the optional fields this catalogue refuses: "
                 f"{', '.join(sorted(droppable))}", "Import",
            snippet=snippet_of(detail))

    def _geography(self, obj: HarvestObject, upstream: dict[str, Any],
                   desired: dict[str, Any]) -> None:
        """``spatial`` from upstream's spatial, else from its bounding fields (our validator then
        derives the provinces); else ``provinces`` from the names in the title and tags."""
        for label, value in (("spatial", upstream_spatial(upstream)),
                             ("bounding fields", bbox_polygon(upstream))):
            if value is None:
                continue
            text = value if isinstance(value, str) else json.dumps(value)
            try:
                located.locate(text)  # remembered: package_create's validator does not parse it again
            except GeoError as error:
                recording.record_object_error(obj, f"Upstream {label} unusable ({error.render()}); "
                                              f"provinces taken from elsewhere", "Import",
                                         snippet=text[:300])
                continue
            desired["spatial"] = text
            return
        text = " ".join([str(upstream.get("title") or ""), *tag_names(upstream)])
        desired["provinces"] = json.dumps([p.code for p in provinces.find_provinces_in_text(text)])

    def _withdraw(self, obj: HarvestObject, package_id: str) -> bool | str:
        package = model.Package.get(package_id)
        if package is None or package.state != "active":
            return "unchanged"
        site_user.call("package_delete", {"id": package_id})
        objects.make_withdrawn(obj, package_id)
        return True

