"""The base of every pm25 harvester: ckanext-harvest's gather, fetch and import stages wrapped
so an unexpected exception is recorded against the job or object with its type (and logged
with its traceback), never lost and never killing the queue consumer, and the job still
finishes."""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import ckan.plugins as plugins
from ckan import model

from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.harvesters import job_create, notes
from ckanext.pm25.harvesters.recorded_messages import INVALID_CONFIG, UNEXPECTED, english
from ckanext.pm25.harvesters.recording import record_gather_error, record_object_error
from ckanext.pm25.harvesters.settings import translated
from ckanext.pm25.harvesters.source_url import actions_for
from ckanext.pm25.harvesters.source_config import ConfigError, SourceConfig

log = logging.getLogger(__name__)


class Pm25HarvesterBase(plugins.SingletonPlugin):
    """IHarvester with the stages wrapped so an unexpected exception is recorded against the
    job or object (never lost, never killing the queue consumer) and the job still finishes.
    Subclasses implement ``info``, ``parse_config`` and ``gather``/``fetch``/``do_import``."""

    plugins.implements(IHarvester)
    plugins.implements(plugins.IActions)

    def info(self) -> dict[str, str]:
        raise NotImplementedError

    # IActions: a source's URL is checked when the source is created or updated; a job that
    # cannot be created is a validation error (409), not a server error; job reports show the
    # notes apart from the errors
    def get_actions(self) -> dict[str, Callable[..., Any]]:
        return {**actions_for(self.info()["name"]), **job_create.ACTIONS, **notes.ACTIONS}

    def parse_config(self, text: str | None) -> SourceConfig:
        raise NotImplementedError

    def gather(self, job: HarvestJob, config: Any) -> list[str]:
        raise NotImplementedError

    def fetch(self, obj: HarvestObject, config: Any) -> bool | str:
        raise NotImplementedError

    def do_import(self, obj: HarvestObject, config: Any) -> bool | str:
        raise NotImplementedError

    # IHarvester

    def validate_config(self, config: str | None) -> str | None:
        try:
            self.parse_config(config)
        except ConfigError as error:
            raise ValueError(translated(error)) from error
        return config

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        try:
            config = self.parse_config(harvest_job.source.config)
        except ConfigError as error:
            record_gather_error(harvest_job, english(INVALID_CONFIG, error=error))
            return []
        try:
            return self.gather(harvest_job, config)
        except Exception as error:
            model.Session.rollback()
            log.exception("gather of job %s failed", harvest_job.id)
            record_gather_error(harvest_job, english(UNEXPECTED, stage="gather",
                                                     error=f"{error!r}\n{_last_frames()}"))
            return []

    def fetch_stage(self, harvest_object: HarvestObject) -> bool | str:
        return self._run_object_stage(self.fetch, harvest_object, "Fetch")

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        return self._run_object_stage(self.do_import, harvest_object, "Import")

    def _run_object_stage(self, stage: Callable[[HarvestObject, Any], bool | str],
                          obj: HarvestObject, name: str) -> bool | str:
        try:
            config = self.parse_config(obj.source.config)
        except ConfigError as error:
            record_object_error(obj, english(INVALID_CONFIG, error=error), name)
            return False
        try:
            return stage(obj, config)
        except Exception as error:
            model.Session.rollback()
            log.exception("%s of harvest object %s (%s) failed", name, obj.id, obj.guid)
            record_object_error(obj, english(UNEXPECTED, stage=name.lower(),
                                             error=f"{error!r}\n{_last_frames()}"), name)
            return False


def _last_frames(limit: int = 3) -> str:
    return "".join(traceback.format_exc(limit=-limit).splitlines(keepends=True)[-12:])[:1500]
