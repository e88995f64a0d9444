"""Small admin-2 boundary files as an administrator would download them (OCHA COD-AB's fields:
ADM2_PCODE ``TH5201``, ADM2_EN), written by the tests: GeoJSON, or a zipped Shapefile in
another CRS with its .prj."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import shapefile
import shapely
from pyproj import CRS, Transformer
from pyproj.enums import WktVersion
from shapely.geometry import box, mapping, shape

LAMPANG_CITY_HALL = (99.49, 18.29)  # lon, lat: in Mueang Lampang (5201)
MAE_MO = (99.80, 18.30)  # in the square given to Mae Mo (5202), east of Mueang Lampang's
SING_BURI_CITY_HALL = (100.40, 14.89)  # in Mueang Sing Buri (1701)
MUEANG_PHRAE = (100.14, 18.14)  # in Mueang Phrae (5401)
BANGKOK = (100.50, 13.75)  # in no district of these files

# Squares around known points; Mueang Lampang and Mae Mo share the border at 99.65 E.
SQUARES: dict[str, tuple[float, float, float, float]] = {
    "TH5201": (99.35, 18.15, 99.65, 18.45),
    "TH5202": (99.65, 18.15, 99.95, 18.45),
    "TH1701": (100.30, 14.80, 100.50, 15.00),
    "TH1702": (100.20, 14.80, 100.30, 15.00),
    "TH5401": (100.00, 18.00, 100.30, 18.30),
}
NAMES = {"TH5201": "Mueang Lampang", "TH5202": "Mae Mo", "TH1701": "Mueang Sing Buri", "TH1702": "Bang Rachan",
         "TH5401": "Mueang Phrae"}


def district_features(squares: dict[str, tuple[float, float, float, float]] | None = None) -> list[dict[str, Any]]:
    return [{"type": "Feature", "properties": {"ADM2_PCODE": code, "ADM2_EN": NAMES.get(code, code)},
             "geometry": mapping(box(*bounds))} for code, bounds in (squares or SQUARES).items()]


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def in_crs(features: list[dict[str, Any]], epsg: int) -> list[dict[str, Any]]:
    transformer = Transformer.from_crs(4326, epsg, always_xy=True)
    return [{**feature, "geometry": mapping(shapely.ops.transform(transformer.transform, shape(feature["geometry"])))}
            for feature in features]


def write_zipped_shapefile(folder: Path, features: list[dict[str, Any]], epsg: int) -> Path:
    """``tha_admbnda_adm2_rtsd.zip`` with the features projected to ``epsg`` (and a .prj saying so)."""
    base = folder / "tha_admbnda_adm2_rtsd_20220121"
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as writer:
        writer.field("ADM2_PCODE", "C", size=8)
        writer.field("ADM2_EN", "C", size=40)
        for feature in in_crs(features, epsg):
            writer.shape(feature["geometry"])
            writer.record(feature["properties"]["ADM2_PCODE"], feature["properties"]["ADM2_EN"])
    base.with_suffix(".prj").write_text(CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI), encoding="utf-8")
    archive = folder / "tha_adm2_rtsd_shp.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            zipped.write(base.with_suffix(suffix), base.with_suffix(suffix).name)
    return archive
