"""`ckan pm25 alerts`: the province alerts' run, for the scheduler or cron."""
from __future__ import annotations

import click


@click.group(short_help="Province alerts by e-mail")
def alerts() -> None:
    """Province alerts: subscriptions confirmed by e-mail, sent when a 24-hour mean crosses."""


@alerts.command("send")
def send() -> None:
    """Evaluate every confirmed subscription and mail the alerts that are due (at most one a day
    per subscription); safe to run again at any time. `ckan pm25 harvest schedule` runs it after
    every pass."""
    from ckanext.pm25.participation.sending import send_alerts

    report = send_alerts()
    if report.already_running:
        click.echo("another run is sending alerts; nothing done")
        return
    click.echo(f"{report.areas} areas with a current 24-hour mean, {report.due} alerts due, {report.sent} sent, "
               f"{report.refused} refused by the SMTP server, {report.expired} unconfirmed subscriptions expired, "
               f"{report.expired_requests} unconfirmed data requests deleted")
    if report.error:
        click.secho(f"stopped: {report.error}; the rest are sent by the next run", fg="red")
        raise SystemExit(1)
