"""``ckan pm25 summary …``: the dashboard's readings summary."""
from __future__ import annotations

import click


@click.group(short_help="The readings summary behind /pm25 and the readings API")
def summary() -> None:
    """The latest values and hourly aggregates kept at import for the dashboard."""


@summary.command("rebuild")
@click.option("--quiet", is_flag=True, help="Print only the total.")
def rebuild_command(quiet: bool) -> None:
    """Read every station dataset's DataStore table again and rebuild the summary from it."""
    from ckanext.pm25.readings.rebuild import rebuild

    stations, readings = rebuild(echo=(lambda _text: None) if quiet else click.echo)
    click.secho(f"Summary rebuilt: {stations} stations, {readings} readings", fg="green")
