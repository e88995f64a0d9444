"""`ckan pm25 harvest prune`: the harvest history older than the kept days goes, every
dataset's current object (and its job) stays, and the next run still finds nothing changed."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from ckan import model
from ckan.cli.cli import ckan

from ckanext.harvest.model import HarvestJob, HarvestObject
from tests.harvesters.harvesting import (config_allowing, datasets, gather_messages, make_source, now_thai_hour,
                                         object_messages, run_job, stats)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")


def objects_of(job: dict) -> int:
    return model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == job["id"]).count()


def finished_days_ago(job: dict, days: int) -> None:
    model.Session.query(HarvestJob).filter(HarvestJob.id == job["id"]).update(
        {"finished": datetime.utcnow() - timedelta(days=days)}, synchronize_session=False)
    model.Session.commit()


def test_old_jobs_go_and_every_current_object_stays(allow_upstream, cli, ckan_config,
                                                    tmp_path) -> None:
    with Air4ThaiServer(now_local=now_thai_hour() - timedelta(hours=3), hours=12) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        first = run_job(source)
        second = run_job(source)  # nothing new: its objects become the current ones
        finished_days_ago(first, 40)
        finished_days_ago(second, 40)
        modified = {d["name"]: d["metadata_modified"] for d in datasets()}

        # the command loads its configuration afresh: the file allows the server too
        ini = config_allowing(tmp_path, ckan_config["__file__"], server.url)
        pruned = cli.invoke(ckan, ["pm25", "harvest", "prune"], env={"CKAN_INI": ini})

        assert pruned.exit_code == 0, pruned.output
        assert "9 harvest objects and 1 jobs deleted" in pruned.output
        model.Session.expire_all()
        assert model.Session.query(HarvestJob).filter(HarvestJob.id == first["id"]).count() == 0
        assert objects_of(second) == 9
        third = run_job(source)
        assert stats(third) == {"not modified": 9}, (gather_messages(third), object_messages(third))
        assert {d["name"]: d["metadata_modified"] for d in datasets()} == modified


def test_recent_history_is_kept_and_zero_days_is_refused(allow_upstream, cli) -> None:
    with Air4ThaiServer(now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        first = run_job(source)
        run_job(source)

        kept = cli.invoke(ckan, ["pm25", "harvest", "prune", "--days", "30"])
        refused = cli.invoke(ckan, ["pm25", "harvest", "prune", "--days", "0"])

    assert "0 harvest objects and 0 jobs deleted" in kept.output
    assert objects_of(first) == 9
    assert refused.exit_code == 2 and "keep at least one day" in refused.output
