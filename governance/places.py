"""Full place names — 乡镇 · 村 · 组 (· 楼栋) — for lists and exports, where a bare "第2村民小组" or "2号楼" does not
tell anyone where to go (18 villages of a township have a 第2村民小组). One query for a page of rows:
the ancestors' names are read by their paths, which each region's path already spells."""
from __future__ import annotations

from typing import Iterable

from .models import Region

SEPARATOR = " · "


def place_names(regions: Iterable[Region], *, top: int = Region.Level.TOWNSHIP) -> dict[int, str]:
    """{region id: "青石镇 · 刘集村 · 第2组"} from the `top` level down to each region itself."""
    regions = {r.pk: r for r in regions if r is not None}
    if not regions:
        return {}
    wanted = {r.path_at(level) for r in regions.values() for level in range(top, r.level)}
    names = dict(Region.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    out = {}
    for pk, r in regions.items():
        parts = [names.get(r.path_at(level)) for level in range(top, r.level)]
        out[pk] = SEPARATOR.join([p for p in parts if p] + [r.name])
    return out


def place_name(region: Region | None, *, top: int = Region.Level.TOWNSHIP) -> str:
    return place_names([region], top=top).get(region.pk, "") if region is not None else ""


def ancestor_name(region_field: str, level: int):
    """The name of the ancestor at `level` of the row's region, as a scalar subquery on the unique path (for an
    export's 乡镇 and 村 columns: set-based, one index probe per row)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Substr

    return Subquery(Region.objects.filter(
        path=Substr(OuterRef(f"{region_field}__path"), 1, Region.PATH_LENGTH[level])).values("name")[:1])
