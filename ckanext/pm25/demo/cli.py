"""``ckan pm25 demo …``: demo content for a first look at the portal."""
from __future__ import annotations

import click
import ckan.plugins.toolkit as tk

from ckanext.pm25.harvesters.cli import print_job


@click.group()
def demo() -> None:
    """Demo content for a first look at the portal."""


@demo.command("load")
def demo_load() -> None:
    """Create (or update) the demo agencies and PM2.5 datasets."""
    from ckanext.pm25.demo.loader import load_demo

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    counts = load_demo(site_user)
    click.secho(f"Demo data: {counts['organizations']} agencies, {counts['datasets']} datasets", fg="green")


@demo.command("harvest")
@click.option("--hours", default=72, show_default=True,
              help="Hours of history the imitation server serves (and the harvest backfills).")
def demo_harvest(hours: int) -> None:
    """Harvest a local imitation of Air4Thai (stations in Sing Buri, Lampang, Chiang Mai and
    Bangkok, several days of hourly readings up to now) into the portal, then one of OpenAQ
    (some of those stations republished, and locations of its own), one of DustBoy (low-cost
    sensors around Chiang Mai), one of NASA FIRMS (a burning season in the north) and one of
    GISTDA (model estimates of every province and district)."""
    from ckanext.pm25.demo.firms import harvest_firms_demo
    from ckanext.pm25.demo.harvest import harvest_demo, harvest_dustboy_demo, harvest_gistda_demo
    from ckanext.pm25.demo.openaq import harvest_openaq_demo

    print_job(harvest_demo(hours=hours, echo=click.echo))
    harvest_firms_demo(echo=click.echo)
    print_job(harvest_openaq_demo(hours=hours, echo=click.echo))
    print_job(harvest_dustboy_demo(hours=hours, echo=click.echo))
    print_job(harvest_gistda_demo(echo=click.echo))
