"""``harvest_job_create`` refusals as validation errors: ckanext-harvest raises plain
exceptions when a source already has an open job (``HarvestJobExists``) or is inactive
(``HarvestSourceInactiveError``), which the action API answers with an anonymous HTTP 500.
Chained, the action raises them as :class:`toolkit.ValidationError` (HTTP 409 with a message
in the request's language) that are still the ckanext-harvest exceptions, so its own admin page
and CLI, which catch those, keep working."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.harvest.logic import HarvestJobExists, HarvestSourceInactiveError

Action = Callable[[Context, dict[str, Any]], Any]


class JobAlreadyOpen(tk.ValidationError, HarvestJobExists):
    def __init__(self) -> None:
        tk.ValidationError.__init__(self, {"source_id": [tk._(
            "This harvest source already has a job that has not finished: wait until it "
            "finishes (its report is on the source's page), or stop it, then try again.")]})


class SourceInactive(tk.ValidationError, HarvestSourceInactiveError):
    def __init__(self) -> None:
        tk.ValidationError.__init__(self, {"source_id": [tk._(
            "This harvest source is inactive: make it active before starting a job.")]})


@tk.chained_action
def harvest_job_create(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    try:
        return up(context, data_dict)
    except (JobAlreadyOpen, SourceInactive):
        raise  # chained once per pm25 harvester plugin: already converted
    except HarvestJobExists as error:
        raise JobAlreadyOpen() from error
    except HarvestSourceInactiveError as error:
        raise SourceInactive() from error


ACTIONS: dict[str, Callable[..., Any]] = {"harvest_job_create": harvest_job_create}
