"""English names for CSCO 2022 occupations, for English pages. The classification is published
in Chinese only; search/data/occupations_en.tsv (tools/occupations_en.py) pairs ESCO's English
occupation names with CSCO names, so English queries find Chinese jobs. Read the other way it
names an occupation in English: 会计专业人员 → Accountant. english_names.tsv beside this file,
written by hand, comes first: every group of the first three levels and the occupations that
sit beside them in the picker (so an English reader walks the tree in English), and the
occupations jobs name most where the pairs have no or a wrong name. Other detailed
occupations keep their Chinese name. No Flask here."""

from __future__ import annotations

import functools
import os

HERE = os.path.dirname(__file__)
PAIRS = os.path.join(HERE, "..", "..", "search", "data", "occupations_en.tsv")
BY_HAND = os.path.join(HERE, "english_names.tsv")

SUFFIXES = ("工程技术人员", "专业人员", "技术人员", "服务人员", "人员")
"""The generic endings the pairs' Chinese side lost (as tools/occupations_en.py strips them)."""


def job_board_name(name: str) -> str:
    """A CSCO name as the pairs write it: 会计专业人员 → 会计."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _rows(path: str):
    with open(path, encoding="utf-8") as rows:
        for line in rows:
            if not line.startswith("#") and "\t" in line:
                yield line.rstrip("\n").split("\t")


@functools.cache
def _by_hand() -> dict[str, str]:
    return dict(_rows(BY_HAND))


@functools.cache
def _english_by_chinese() -> dict[str, str]:
    """Chinese job-board name → its English name. Where several English names share one
    Chinese name (agricultural technician, agricultural machinery technician → 农业技术员) the
    shortest is kept: the general name, not one specialty."""
    out: dict[str, str] = {}
    for english, chinese in _rows(PAIRS):
        if chinese not in out or len(english) < len(out[chinese]):
            out[chinese] = english
    return out


def english_name(code: str, name: str) -> str | None:
    """The occupation CODE (Chinese NAME) in English, capitalised; None when it has none."""
    english = _by_hand().get(code) or _english_by_chinese().get(job_board_name(name))
    return english[:1].upper() + english[1:] if english else None


@functools.cache
def _codes_by_name() -> dict[str, str]:
    from matching.occupations import occupations

    return {o.name: o.code for o in sorted(occupations().values(), key=lambda o: o.code_num)}


def english_name_of(name: str) -> str | None:
    """The occupation called NAME (its Chinese name, as a match reason stores it) in English."""
    code = _codes_by_name().get(name)
    return english_name(code, name) if code else None


@functools.cache
def chinese_by_english() -> dict[str, str]:
    """English name (lower case) → the CSCO name it is shown for: a name typed as an English
    page showed it resolves to its occupation."""
    from matching.occupations import occupations

    out = {}
    for occupation in occupations().values():
        english = english_name(occupation.code, occupation.name)
        if english:
            out.setdefault(english.lower(), occupation.name)
    return out
