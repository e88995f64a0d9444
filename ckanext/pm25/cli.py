"""`ckan pm25 …`: the command group, made of each room's own commands."""
from __future__ import annotations

import click

from ckanext.pm25.demo.cli import demo
from ckanext.pm25.harvesters.cli import harvest
from ckanext.pm25.participation.cli import alerts
from ckanext.pm25.provinces.boundaries_cli import boundaries
from ckanext.pm25.provinces.cli import provinces
from ckanext.pm25.readings.cli import summary


@click.group(short_help="ckanext-pm25 commands")
def pm25() -> None:
    """PM2.5 platform administration."""


for command in (provinces, summary, harvest, demo, alerts, boundaries):
    pm25.add_command(command)


def get_commands() -> list[click.Command]:
    return [pm25]
