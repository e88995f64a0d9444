"""`ckan pm25 provinces …`: the province boundaries in use, and replacing them with official ones."""
from __future__ import annotations

import json

import click

from ckanext.pm25.geo.errors import BoundaryError

SHOWN_CHANGES = 20


@click.group()
def provinces() -> None:
    """Province boundaries: what is loaded, and loading official ones."""


@provinces.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--code-field", help="Field holding the province code (TH-52, TH52, 52, ADM1_PCODE); "
                                   "found among common names when not given.")
@click.option("--crs", help="Coordinate system of the file when it does not declare one (e.g. 32647 "
                            "or EPSG:32647); GeoJSON without one is WGS 84.")
@click.option("--dry-run", is_flag=True, help="Validate and count the datasets that would change; replace nothing.")
def load(path: str, code_field: str | None, crs: str | None, dry_run: bool) -> None:
    """Load official province boundaries (GeoJSON, .shp or a .zip of a Shapefile) from PATH.

    The file must hold all 77 provinces with known codes and valid polygons; otherwise nothing
    is replaced. Datasets whose provinces were derived from their location and change under the
    new boundaries are updated and reindexed; provinces given by hand are kept.
    """
    from ckanext.pm25.provinces.boundaries import replace_boundaries

    try:
        result = replace_boundaries(path, code_field=code_field, crs=crs, dry_run=dry_run)
    except BoundaryError as error:
        click.secho(f"Not loaded, nothing was replaced: {error.render()}", fg="red", err=True)
        raise click.exceptions.Exit(1) from None
    source = result.boundaries.source
    click.echo(f"{source['file']}: {source['province_count']} provinces from {source['feature_count']} features, "
               f"{source['format']}, {source['crs']}, code field {source['code_field']}")
    for warning in result.boundaries.warnings:
        click.secho(f"  warning: {warning}", fg="yellow")
    plan = result.plan
    verb = "would change" if dry_run else "changed"
    click.echo(f"Datasets with a location: {plan.checked}; provinces {verb}: {len(plan.changes)}; "
               f"given by hand (kept): {len(plan.given_by_hand)}; unreadable location: {len(plan.unreadable)}")
    for change in plan.changes[:SHOWN_CHANGES]:
        click.echo(f"  {change.name}: {', '.join(change.old) or '-'} -> {', '.join(change.new) or '-'}")
    if len(plan.changes) > SHOWN_CHANGES:
        click.echo(f"  … and {len(plan.changes) - SHOWN_CHANGES} more")
    if dry_run:
        click.secho("Dry run: nothing was replaced.", fg="yellow")
        return
    click.secho(f"Boundaries written to {result.written_to}; {len(result.updated)} datasets updated and reindexed; "
                f"{result.reindexed} more reindexed for the province filter.",
                fg="green")
    if result.failed:
        for name, reason in result.failed.items():
            click.secho(f"  not updated: {name}: {reason}", fg="red", err=True)
        raise click.exceptions.Exit(1)


@provinces.command("list")
def list_() -> None:
    """Show which boundaries are in use and where they came from."""
    from ckanext.pm25.provinces import gazetteer
    from ckanext.pm25.provinces.boundaries import boundaries_in_use

    in_use = boundaries_in_use()
    kind = "shipped Natural Earth boundaries" if in_use.shipped else "loaded boundaries"
    click.echo(f"In use: {kind}: {in_use.path}")
    if in_use.shipped:
        click.echo(f"(`ckan pm25 provinces load` would write {gazetteer.boundaries_path()})")
    source = in_use.source
    if source:
        click.echo("Source: " + json.dumps(source.get("source"), ensure_ascii=False))
        click.echo(f"Written: {source.get('written_at', '?')}; provinces: {source.get('feature_count', '?')}")
    if in_use.intact is not None:
        click.echo("Checksum: " + ("matches source.json" if in_use.intact else "DIFFERS from source.json"))
    for province in gazetteer.gazetteer().provinces:
        click.echo(f"  {province.code}  {province.dopa:>2}  {province.name_en:<24} {province.name_th:<20} "
                   f"{province.region}")
