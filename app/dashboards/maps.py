"""Which vendored map draws a region, and how its features match our region codes.

The maps (app/static/vendor/maps, built by tools/assets/build_maps.py) come at three levels:
the country by province (``china.json``), each province by prefecture (``<pp>.json``; the
municipalities by district) and each prefecture by county (``cities/<cccc>.json.gz``). A
feature's ``properties.code`` is a 2-digit province or 6-digit county/prefecture code, so a
child region matches every feature whose code starts with the child's code: 42 → 42,
4201 → 420100, 4290 (the province-administered counties) → 429004, and a municipality's
1101 → each of its districts 110101, 110102 ...

Below county level there are no outlines: the board shows the county on its city's map
("your area") and a treemap of its towns and villages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAPS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "maps"

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
"""Their province map already shows districts; there is no map per 'city' (1101, 5002)."""

DRILL_LIMIT = 6
"""Clicking a region on a map drills down to it while it has an outline: to county level."""


@dataclass(frozen=True)
class MapFile:
    path: str  # under app/static/
    name: str  # the name ECharts registers the shapes under
    gzip: bool  # the browser unpacks it (DecompressionStream)


@cache
def index() -> dict[str, dict[str, str]]:
    return json.loads((MAPS / "index.json").read_text(encoding="utf-8"))


def map_for(code: str) -> MapFile | None:
    """The map whose features are CODE's children; None below prefecture level."""
    if len(code) > 4:
        return None
    if len(code) == 4 and code[:2] in MUNICIPALITIES:
        code = code[:2]
    entry = index().get(code or "00")
    if entry is None:
        return None
    return MapFile(
        f"vendor/maps/{entry['file']}", f"yunpin-{code or 'china'}", entry["file"].endswith(".gz")
    )


def area_map_for(code: str) -> MapFile | None:
    """The map that shows the county CODE among its neighbours (its city's map)."""
    return map_for(code[:4]) if len(code) == 6 else None
