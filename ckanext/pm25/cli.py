"""`ckan pm25 …` commands."""
from __future__ import annotations

import click
import ckan.plugins.toolkit as tk


@click.group(short_help="ckanext-pm25 commands")
def pm25() -> None:
    """PM2.5 platform administration."""


@pm25.group()
def demo() -> None:
    """Demo content for a first look at the portal."""


@demo.command("load")
def demo_load() -> None:
    """Create (or update) the demo agencies and PM2.5 datasets."""
    from ckanext.pm25.demo.loader import load_demo

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    counts = load_demo(site_user)
    click.secho(f"Demo data: {counts['organizations']} agencies, {counts['datasets']} datasets", fg="green")


def _add_provinces() -> None:
    from ckanext.pm25.province_cli import provinces

    pm25.add_command(provinces)


_add_provinces()


def _add_harvest() -> None:
    from ckanext.pm25.harvesters.cli import demo_harvest, harvest

    pm25.add_command(harvest)
    demo.add_command(demo_harvest)


_add_harvest()


def _add_summary() -> None:
    from ckanext.pm25.summary.cli import summary

    pm25.add_command(summary)


_add_summary()


def get_commands() -> list[click.Command]:
    return [pm25]
