"""`ckan pm25 boundaries …`: official boundaries beyond the provinces (district boundaries)."""
from __future__ import annotations

import gettext
from collections.abc import Callable
from importlib import resources

import click

from ckanext.pm25.geo.district_boundaries import DistrictBoundaryError, Problem
from ckanext.pm25.geo.errors import BoundaryError


def _site_translation() -> Callable[[str], str] | None:
    """The gettext of the site's default language when it is not English (a terminal has no
    request to take a language from), else None."""
    import ckan.plugins.toolkit as tk

    language = tk.config.get("ckan.locale_default") or "en"
    if language == "en":
        return None
    folder = str(resources.files("ckanext.pm25").joinpath("i18n"))
    return gettext.translation("ckanext-pm25", folder, languages=[language], fallback=True).gettext


def _in_both(render: Callable[[Callable[[str], str]], str]) -> str:
    """A message in the site's language and, below it, in English."""
    english = render(lambda message: message)
    translate = _site_translation()
    local = render(translate) if translate else english
    return english if local == english else f"{local}\n{english}"


def _problem(problem: Problem) -> Callable[[Callable[[str], str]], str]:
    message, params = problem
    return lambda translate: translate(message) % params


def _error(error: BoundaryError) -> Callable[[Callable[[str], str]], str]:
    if isinstance(error, DistrictBoundaryError):
        return error.render_in
    return lambda translate: translate(error.message) % error.params


@click.group()
def boundaries() -> None:
    """Official boundaries loaded by the site (district boundaries)."""


@boundaries.command("districts")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--code-field", help="Field holding the district code (TH5201 as OCHA's ADM2_PCODE, or 5201); "
                                   "found among common names when not given.")
@click.option("--crs", help="Coordinate system of the file when it does not declare one (e.g. 32647 "
                            "or EPSG:32647); GeoJSON without one is WGS 84.")
@click.option("--repair", is_flag=True, help="Repair invalid polygons with make_valid instead of refusing the file.")
@click.option("--dry-run", is_flag=True, help="Validate only; store nothing.")
@click.option("--remove", is_flag=True, help="Remove the loaded district boundaries (my area then gives "
                                              "a location's province only).")
def districts(path: str | None, code_field: str | None, crs: str | None, repair: bool, dry_run: bool,
              remove: bool) -> None:
    """Load official district boundaries (admin level 2: GeoJSON, .shp or a .zip of a Shapefile such
    as OCHA COD-AB's tha_admbnda_adm2_rtsd) from PATH, so that "my area" finds a location's district.

    Every feature must be a district of Thailand (DOPA code), given once, with a valid polygon in
    Thailand; otherwise nothing is replaced. A file with only some districts is accepted.
    """
    from ckanext.pm25.provinces.districts import district_boundaries_path, load_districts, remove_districts

    if remove == (path is not None):
        raise click.UsageError("Give either a boundary file or --remove.")
    if remove:
        if remove_districts():
            click.secho(f"District boundaries removed ({district_boundaries_path()}).", fg="green")
        else:
            click.echo("No district boundaries were loaded.")
        return
    assert path is not None
    try:
        loaded = load_districts(path, code_field=code_field, crs=crs, repair=repair, dry_run=dry_run)
    except BoundaryError as error:
        click.secho("Not loaded, nothing was replaced:\n" + _in_both(_error(error)), fg="red", err=True)
        raise click.exceptions.Exit(1) from None
    source = loaded.source
    click.echo(f"{source['file']}: {source['district_count']} districts, {source['format']}, {source['crs']}, "
               f"code field {source['code_field']}")
    for warning in loaded.warnings:
        click.secho("warning: " + _in_both(_problem(warning)), fg="yellow")
    if dry_run:
        click.secho("Dry run: nothing was stored.", fg="yellow")
        return
    click.secho(f"District boundaries written to {district_boundaries_path()}.", fg="green")
