"""``ckan pm25 harvest …``."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the harvest modules load when a command runs, not with the plugin
    from ckanext.pm25.harvesters.scheduling import Decision

COLOURS = {"started": "green", "aborted": "yellow", "running": "cyan", "not_due": None,
           "invalid_config": "red", "failed": "red"}


@click.group(short_help="Harvest scheduling and runs")
def harvest() -> None:
    """Harvest sources of the pm25 harvesters (pm25_air4thai, pm25_dustboy, pm25_agency_ckan)."""


@harvest.command("run-due")
def run_due() -> None:
    """Start a job for every source whose interval_minutes has passed (run from cron every few
    minutes, with `ckan harvester gather-consumer` and `fetch-consumer` running)."""
    from ckanext.pm25.harvesters.scheduling import run_due as decide

    decisions = decide()
    for decision in decisions:
        click.secho(f"{decision.source_name}: {decision.action.replace('_', ' ')} — "
                    f"{decision.detail}", fg=COLOURS.get(decision.action))
    started = sum(1 for d in decisions if d.action == "started")
    click.echo(f"{len(decisions)} sources checked, {started} jobs started")
    if any(d.action in ("failed", "invalid_config") for d in decisions):
        sys.exit(1)


@harvest.command("schedule")
@click.option("--every", default=60.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", type=int, default=None,
              help="Stop after this many passes (default: run until stopped).")
def schedule(every: float, passes: int | None) -> None:
    """Run `run-due` every EVERY seconds until stopped: jobs are started when due, and jobs
    whose objects are all done are marked finished with their report (what `make run` runs
    beside the gather and fetch consumers; a cron job calling `run-due` does the same)."""
    from ckanext.pm25.harvesters.scheduling import run_every

    def show(decision: Decision) -> None:
        if decision.action not in ("not_due", "running"):
            click.secho(f"{decision.source_name}: {decision.action.replace('_', ' ')} — "
                        f"{decision.detail}", fg=COLOURS.get(decision.action))

    run_every(every, passes=passes, report=show)


@harvest.command("run")
@click.argument("source", metavar="SOURCE_ID_OR_NAME")
@click.option("--inline", is_flag=True,
              help="Call the stages directly instead of going through the Redis queues.")
@click.option("--timeout", default=1800.0, show_default=True,
              help="Seconds to wait for the job to finish.")
def run_now(source: str, inline: bool, timeout: float) -> None:
    """Run one job of SOURCE now, in this process, and wait for it to finish."""
    from ckanext.pm25.harvesters import runner, site_user

    source_id = site_user.call("harvest_source_show", {"id": source})["id"]
    job = runner.run_inline(source_id) if inline else runner.run_through_queues(
        source_id, timeout=timeout)
    print_job(job)


@harvest.command("consume")
@click.argument("stage", type=click.Choice(["gather", "fetch"]))
def consume(stage: str) -> None:
    """Consume the gather or fetch queue until stopped, like `ckan harvester gather-consumer` /
    `fetch-consumer`, but one that keeps running while the queue is empty (those exit after
    5 idle seconds with redis-py 8, CKAN 2.12's Redis client)."""
    from ckanext.pm25.harvesters.consumers import consume as run_consumer

    run_consumer(stage)


@harvest.command("prune")
@click.option("--days", type=int, default=None,
              help="Days of history to keep (default: ckanext.pm25.harvest.keep_job_days).")
def prune(days: int | None) -> None:
    """Delete the harvest objects and jobs of jobs finished more than DAYS days ago; the
    current object of every dataset (and its job) is kept. The scheduler does it daily."""
    from ckanext.pm25.harvesters.pruning import prune as run_prune

    try:
        pruned = run_prune(days)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--days") from error
    click.echo(f"{pruned.objects} harvest objects and {pruned.jobs} jobs deleted")


@harvest.command("move-station-tables")
def move_station_tables() -> None:
    """Move the readings of the per-station DataStore tables (sites harvested before the
    measurement store) into their source's measurement store; each table is deleted only once
    all its hours are in the store. Safe to run again."""
    from ckanext.pm25.harvesters.legacy_tables import Moved, move_station_tables as move

    def show(moved: Moved) -> None:
        if moved.complete:
            click.secho(f"{moved.dataset}: {moved.table_rows} readings moved, table deleted",
                        fg="green")
        else:
            click.secho(f"{moved.dataset}: {moved.store_rows} of {moved.table_rows} readings in "
                        f"the store; the table is kept", fg="red")

    found = move(echo=show)
    click.echo(f"{len(found)} station tables found, "
               f"{sum(1 for moved in found if moved.complete)} moved")
    if not all(moved.complete for moved in found):
        sys.exit(1)


def print_job(job: dict) -> None:
    stats = ", ".join(f"{count} {status}" for status, count in job.get("stats", {}).items())
    click.echo(f"Job {job['id']}: {job['status']} ({stats})")
    for error in job.get("gather_error_summary") or []:
        click.secho(f"  gather error ×{error.get('error_count')}: {error.get('message')}",
                    fg="yellow")
