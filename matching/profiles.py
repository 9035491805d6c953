"""Plain dataclasses the web app fills from its models. No ORM, no Flask.

Every field except `id` is optional; a missing value makes the feature that needs it neutral
(see defaults.NEUTRAL). `text_vector`/`title_vector` may carry precomputed embeddings (from
`embed_texts`, e.g. stored by an RQ job); when None they are computed on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from .collection import Collection
from .titles import clean_title

EDUCATION_LEVELS = {
    "none": 0,
    "primary": 1,
    "小学": 1,
    "junior": 2,
    "初中": 2,
    "high_school": 3,
    "高中": 3,
    "vocational": 3,
    "中专": 3,
    "技校": 3,
    "associate": 4,
    "大专": 4,
    "专科": 4,
    "bachelor": 5,
    "本科": 5,
    "master": 6,
    "硕士": 6,
    "研究生": 6,
    "doctorate": 7,
    "phd": 7,
    "博士": 7,
}
"""Ordinal education levels; profiles may give the int or one of these names."""


def education_rank(level: int | str | None) -> int:
    """Ordinal of an education level, -1 when unknown."""
    if level is None or level == "":
        return -1
    if isinstance(level, int):
        return level
    return EDUCATION_LEVELS.get(str(level).strip().lower(), -1)


@dataclass
class JobProfile:
    id: Any
    title: str = ""
    description: str = ""
    skills: list[str] = field(default_factory=list)
    occupation_code: str | None = (
        None  # CSCO 2022 code, e.g. "2-02-10-03"; mapped from title if None
    )
    region_code: str | None = None  # 6-digit (or longer) administrative code
    region_path: list[str] = field(default_factory=list)  # province..county codes
    salary_min: float | None = None  # monthly CNY
    salary_max: float | None = None
    min_experience_years: float | None = None
    education_level: int | str | None = None
    remote: bool = False
    posted_at: datetime | date | None = None
    employer_response_rate: float | None = None  # share of applications answered, 0..1
    employer_median_response_hours: float | None = None
    text_vector: np.ndarray | None = field(default=None, repr=False)
    title_vector: np.ndarray | None = field(default=None, repr=False)

    def title_text(self) -> str:
        """The cleaned title (no company, place, salary or seniority noise): what is embedded."""
        return clean_title(self.title)

    def full_text(self) -> str:
        return "\n".join(
            p for p in (self.title, " ".join(self.skills or ()), self.description) if p
        )


@dataclass
class CandidateProfile:
    id: Any
    headline: str = ""
    summary: str = ""
    skills: list[str] = field(default_factory=list)
    experience: list[dict] = field(default_factory=list)  # [{"title", "description", "years"}]
    education_level: int | str | None = None
    occupation_code: str | None = None
    region_code: str | None = None
    region_path: list[str] = field(default_factory=list)
    willing_to_relocate: bool = False
    expected_salary: float | None = None  # monthly CNY
    available_from: datetime | date | None = None
    text_vector: np.ndarray | None = field(default=None, repr=False)
    title_vector: np.ndarray | None = field(default=None, repr=False)

    def titles(self) -> list[str]:
        out = [self.headline] if self.headline else []
        out += [e.get("title") or "" for e in self.experience or () if e.get("title")]
        return out

    def title_text(self) -> str:
        """The cleaned headline and last titles: what is embedded as the title vector."""
        return "；".join(clean_title(t) for t in self.titles()[:3])

    def years(self) -> float | None:
        ys = [float(e["years"]) for e in self.experience or () if e.get("years") is not None]
        return sum(ys) if ys else None

    def full_text(self) -> str:
        parts = [self.headline, " ".join(self.skills or ()), self.summary]
        for e in self.experience or ():
            parts += [e.get("title") or "", e.get("description") or ""]
        return "\n".join(p for p in parts if p)


@dataclass
class MatchContext:
    """Request-level facts. `cooperation` holds labor-cooperation links as
    (origin_region_prefix, destination_region_prefix) pairs, e.g. ("52", "4403") for
    Guizhou -> Shenzhen: a candidate from the origin is a partner for a job at the destination.
    `job_collection` and `candidate_collection` describe each side as a whole
    (`matching.collection`): the published jobs a candidate's cosines are read against, and the
    candidates a job's are."""

    cooperation: set[tuple[str, str]] = field(default_factory=set)
    now: datetime | None = None
    locale: str = "zh"
    use_embeddings: bool = True
    weights: dict[str, float] | None = None  # override defaults.WEIGHTS (and the model)
    # a learned model file per direction ("job2cand", "cand2job"); a direction without one
    # ranks with the shipped model (matching.learn)
    models: dict[str, str] = field(default_factory=dict)
    job_collection: Collection | None = None
    candidate_collection: Collection | None = None
