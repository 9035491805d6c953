"""Columnar (numpy) encoding of profiles for the vectorised exact scorer and the retriever.

One `Encoded` holds N profiles of one kind ("job" or "candidate") as fixed-width arrays, so
scoring one query against a few hundred (or a million) rows is a handful of numpy ops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache

import numpy as np

from . import defaults
from .collection import Collection
from .embeddings import DIM, embed_texts
from .expansion import (
    CSCO_NEIGHBOURS,
    ESCO_NEIGHBOURS,
    describe,
    read_words,
    reference_collection,
    reference_stats,
)
from .grams import GRAMS, encode_title
from .occupations import code_for_title, code_num, nearest_codes
from .profiles import CandidateProfile, JobProfile, education_rank
from .regions import region_of
from .skills import vocabulary

WORDS = defaults.SKILL_BITS // 64


def job_skills(job: JobProfile) -> frozenset[str]:
    """Required skills: the listed ones, else those mentioned in title and description."""
    return _job_skills(tuple(job.skills or ()), job.title, job.description)


@lru_cache(maxsize=4096)
def _job_skills(listed: tuple[str, ...], title: str, description: str) -> frozenset[str]:
    # Kept per process: every ranking reads its whole pool's texts again.
    voc = vocabulary()
    return voc.canonical_set(listed) or voc.extract(f"{title}\n{description}")


def candidate_skills(cand: CandidateProfile) -> frozenset[str]:
    """Listed skills plus vocabulary skills mentioned anywhere in the résumé text."""
    voc = vocabulary()
    return voc.canonical_set(cand.skills) | voc.extract(cand.full_text())


def related_skills(skills: frozenset[str]) -> frozenset[str]:
    voc = vocabulary()
    return frozenset(r for s in skills for r in voc.related(s)) - skills


def occupation_of(p) -> str | None:
    if p.occupation_code:
        return p.occupation_code
    if isinstance(p, JobProfile):
        return code_for_title(p.title)
    for t in p.titles():
        c = code_for_title(t)
        if c:
            return c
    return None


def _bits(skills) -> np.ndarray:
    voc = vocabulary()
    out = np.zeros(WORDS, dtype=np.uint64)
    for s in skills:
        b = voc.bit_of(s)
        out[b // 64] |= np.uint64(1) << np.uint64(b % 64)
    return out


def _days(d, now) -> float:
    if d is None or now is None:
        return np.nan
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day)
    if isinstance(now, date) and not isinstance(now, datetime):
        now = datetime(now.year, now.month, now.day)
    if (d.tzinfo is None) != (now.tzinfo is None):
        d, now = d.replace(tzinfo=None), now.replace(tzinfo=None)
    return (d - now).total_seconds() / 86400.0


def _f(x) -> float:
    return np.nan if x is None or x == "" else float(x)


@dataclass
class Encoded:
    kind: str
    skills: np.ndarray  # (n, WORDS) uint64
    related: np.ndarray  # (n, WORDS) uint64, jobs: related-but-not-required skills
    text_vec: np.ndarray  # (n, d) float32, zero row = unknown
    title_vec: np.ndarray  # (n, d) float32
    occ: np.ndarray  # (n,) int32 CSCO code_num, 0 = unknown
    occ_named: np.ndarray  # (n,) int32 code_num given or found by words (no nearest), 0 = none
    region: np.ndarray  # (n,) int32 6-digit code, 0 = unknown
    relocate: np.ndarray  # (n,) bool (candidates) / remote (jobs)
    sal_lo: np.ndarray  # (n,) float32: job salary_min / candidate expected
    sal_hi: np.ndarray  # (n,) float32: job salary_max / candidate expected
    years: np.ndarray  # (n,) float32: job min years / candidate total years
    edu: np.ndarray  # (n,) int8, -1 unknown
    days: np.ndarray  # (n,) float32: job: days since posted; cand: days until available
    response: np.ndarray  # (n,) float32 employer response rate (jobs)
    occ_near: np.ndarray  # (n,) int32 code_num nearest to the title vector (or its group), 0 = none
    grams: np.ndarray  # (n, GRAMS) int32 hashed title bigrams, 0 = padding
    gram_w: np.ndarray  # (n, GRAMS) float32 their unit TF-IDF weights
    # the title read through occupation vocabularies (matching.expansion), zeros = no title
    esco_idx: np.ndarray  # (n, ESCO_NEIGHBOURS) int16 nearest ESCO occupations
    esco_w: np.ndarray  # (n, ESCO_NEIGHBOURS) float32 their weights in the unit blend
    esco_word_idx: np.ndarray  # (n, ESCO_NEIGHBOURS) int16 ESCO rows + 1 read by words, 0 = none
    esco_word_w: np.ndarray  # (n, ESCO_NEIGHBOURS) float32 their unit weights
    csco_top: np.ndarray  # (n, CSCO_NEIGHBOURS) int32 nearest CSCO code_nums
    csco_p: np.ndarray  # (n, CSCO_NEIGHBOURS) float32 their softmax probabilities
    hub: np.ndarray  # (n,) float32 mean cosine to the ten nearest CSCO codes
    # mean and spread of the title's / full text's cosines with all CSCO codes (0 = unknown;
    # the title's come with its description above, the text's from `_text_reference`)
    title_mu: np.ndarray  # (n,) float32
    title_sd: np.ndarray  # (n,) float32
    text_mu: np.ndarray  # (n,) float32
    text_sd: np.ndarray  # (n,) float32
    # the same against the other side's collection (`matching.collection`; the CSCO codes'
    # when none is given)
    coll_title_mu: np.ndarray  # (n,) float32
    coll_title_sd: np.ndarray  # (n,) float32
    coll_text_mu: np.ndarray  # (n,) float32
    coll_text_sd: np.ndarray  # (n,) float32
    # candidates: log-partitions of a sharp softmax over that collection (jobs: 0, unknown)
    coll_title_lse: np.ndarray  # (n,) float32
    coll_text_lse: np.ndarray  # (n,) float32

    def __len__(self):
        return len(self.occ)

    def take(self, idx) -> Encoded:
        return Encoded(
            self.kind,
            **{f.name: getattr(self, f.name)[idx] for f in fields(self) if f.name != "kind"},
        )

    @staticmethod
    def concat(parts: list[Encoded]) -> Encoded:
        return Encoded(
            parts[0].kind,
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(Encoded)
                if f.name != "kind"
            },
        )

    @staticmethod
    def empty(kind: str, n: int = 0, dim: int = DIM) -> Encoded:
        return Encoded(
            kind,
            skills=np.zeros((n, WORDS), np.uint64),
            related=np.zeros((n, WORDS), np.uint64),
            text_vec=np.zeros((n, dim), np.float32),
            title_vec=np.zeros((n, dim), np.float32),
            occ=np.zeros(n, np.int32),
            occ_named=np.zeros(n, np.int32),
            region=np.zeros(n, np.int32),
            relocate=np.zeros(n, bool),
            sal_lo=np.full(n, np.nan, np.float32),
            sal_hi=np.full(n, np.nan, np.float32),
            years=np.full(n, np.nan, np.float32),
            edu=np.full(n, -1, np.int8),
            days=np.full(n, np.nan, np.float32),
            response=np.full(n, np.nan, np.float32),
            occ_near=np.zeros(n, np.int32),
            grams=np.zeros((n, GRAMS), np.int32),
            gram_w=np.zeros((n, GRAMS), np.float32),
            esco_idx=np.zeros((n, ESCO_NEIGHBOURS), np.int16),
            esco_w=np.zeros((n, ESCO_NEIGHBOURS), np.float32),
            esco_word_idx=np.zeros((n, ESCO_NEIGHBOURS), np.int16),
            esco_word_w=np.zeros((n, ESCO_NEIGHBOURS), np.float32),
            csco_top=np.zeros((n, CSCO_NEIGHBOURS), np.int32),
            csco_p=np.zeros((n, CSCO_NEIGHBOURS), np.float32),
            hub=np.zeros(n, np.float32),
            title_mu=np.zeros(n, np.float32),
            title_sd=np.zeros(n, np.float32),
            text_mu=np.zeros(n, np.float32),
            text_sd=np.zeros(n, np.float32),
            coll_title_mu=np.zeros(n, np.float32),
            coll_title_sd=np.zeros(n, np.float32),
            coll_text_mu=np.zeros(n, np.float32),
            coll_text_sd=np.zeros(n, np.float32),
            coll_title_lse=np.zeros(n, np.float32),
            coll_text_lse=np.zeros(n, np.float32),
        )


def _vectors(profiles, use_embeddings: bool) -> tuple[np.ndarray, np.ndarray]:
    n = len(profiles)
    text = np.zeros((n, DIM), np.float32)
    title = np.zeros((n, DIM), np.float32)
    need_text = [i for i, p in enumerate(profiles) if p.text_vector is None]
    need_title = [i for i, p in enumerate(profiles) if p.title_vector is None]
    for i, p in enumerate(profiles):
        if p.text_vector is not None:
            text[i] = p.text_vector
        if p.title_vector is not None:
            title[i] = p.title_vector
    if use_embeddings and (need_text or need_title):
        texts = [profiles[i].full_text() for i in need_text] + [
            profiles[i].title_text() for i in need_title
        ]
        vecs = embed_texts(texts)
        text[need_text] = vecs[: len(need_text)]
        title[need_title] = vecs[len(need_text) :]
    return text, title


def encode_jobs(
    jobs: list[JobProfile],
    now=None,
    use_embeddings: bool = True,
    against: Collection | None = None,
) -> Encoded:
    """Jobs as columns; AGAINST is the candidates' collection their cosines are read against."""
    e = Encoded.empty("job", len(jobs))
    e.text_vec, e.title_vec = _vectors(jobs, use_embeddings)
    for i, j in enumerate(jobs):
        sk = job_skills(j)
        e.skills[i] = _bits(sk)
        e.related[i] = _bits(related_skills(sk)) & ~e.skills[i]
        e.occ[i] = code_num(occupation_of(j))
        r = region_of(j.region_code, j.region_path)
        e.region[i] = int(r) if r else 0
        e.relocate[i] = bool(j.remote)
        e.sal_lo[i], e.sal_hi[i] = _f(j.salary_min), _f(j.salary_max)
        e.years[i] = _f(j.min_experience_years)
        e.edu[i] = education_rank(j.education_level)
        e.days[i] = -_days(j.posted_at, now) if j.posted_at is not None else np.nan
        e.response[i] = _f(j.employer_response_rate)
        title = j.title_text()
        e.grams[i], e.gram_w[i] = encode_title(title)
        e.esco_word_idx[i], e.esco_word_w[i] = read_words(title)
    _nearest_occupations(e)
    _text_reference(e)
    read_against(e, against)
    return e


def encode_candidates(
    cands: list[CandidateProfile],
    now=None,
    use_embeddings: bool = True,
    against: Collection | None = None,
) -> Encoded:
    """Candidates as columns; AGAINST is the jobs' collection their cosines are read against."""
    e = Encoded.empty("candidate", len(cands))
    e.text_vec, e.title_vec = _vectors(cands, use_embeddings)
    for i, c in enumerate(cands):
        e.skills[i] = _bits(candidate_skills(c))
        e.occ[i] = code_num(occupation_of(c))
        r = region_of(c.region_code, c.region_path)
        e.region[i] = int(r) if r else 0
        e.relocate[i] = bool(c.willing_to_relocate)
        e.sal_lo[i] = e.sal_hi[i] = _f(c.expected_salary)
        e.years[i] = _f(c.years())
        e.edu[i] = education_rank(c.education_level)
        e.days[i] = _days(c.available_from, now)
        title = c.title_text()
        e.grams[i], e.gram_w[i] = encode_title(title)
        e.esco_word_idx[i], e.esco_word_w[i] = read_words(title)
    _nearest_occupations(e)
    _text_reference(e)
    read_against(e, against)
    return e


_NEAREST: dict[bytes, tuple] = {}
"""Digest of a title vector → its nearest occupation and its `expansion.describe` row, kept
per process: a ranking compares its whole pool's title vectors with 2,047 CSCO centroids and
3,658 ESCO occupations again (~0.1 s for 300 titles), and pages rank the same pools over and
over. ~0.4 KB per entry."""

NEAREST_KEPT = 50_000
_DESCRIBED = ("esco_idx", "esco_w", "csco_top", "csco_p", "hub", "title_mu", "title_sd")


def _nearest_occupations(e: Encoded) -> None:
    """The occupation (or group) nearest to each title vector, and the title's reading through
    the occupation vocabularies; titles with no CSCO word take the nearest as their occupation."""
    e.occ_named = e.occ.copy()
    has = np.flatnonzero(np.any(e.title_vec != 0, axis=1))
    keys = [hashlib.blake2b(e.title_vec[i].tobytes(), digest_size=16).digest() for i in has]
    rows = [_NEAREST.get(key) for key in keys]
    todo = [n for n, row in enumerate(rows) if row is None]
    if todo:
        vecs = e.title_vec[has[todo]]
        found = nearest_codes(vecs).tolist()
        described = describe(vecs)
        if len(_NEAREST) + len(todo) > NEAREST_KEPT:
            _NEAREST.clear()
        for m, (n, code) in enumerate(zip(todo, found, strict=True)):
            rows[n] = _NEAREST[keys[n]] = (code, *(described[f][m] for f in _DESCRIBED))
    if rows:
        e.occ_near[has] = [row[0] for row in rows]
        for f_i, f in enumerate(_DESCRIBED, 1):
            getattr(e, f)[has] = np.stack([row[f_i] for row in rows])
    e.occ = np.where(e.occ == 0, e.occ_near, e.occ)


def _text_reference(e: Encoded) -> None:
    e.text_mu, e.text_sd = reference_stats(e.text_vec)


def read_against(e: Encoded, collection: Collection | None) -> None:
    """Each profile's cosine statistics against the other side's COLLECTION, and a candidate's
    log-partitions over it (`matching.collection`). Without one (a caller that passes none, a
    deployment with too few profiles) the CSCO codes stand in: occupations are what jobs ask
    for and what candidates do, and a model that reads these features ranks better with that
    stand-in than with no value (docs/matching.md)."""
    against = collection or reference_collection()
    e.coll_title_mu, e.coll_title_sd, e.coll_text_mu, e.coll_text_sd = against.stats(
        e.title_vec, e.text_vec
    )
    if e.kind == "candidate":
        e.coll_title_lse, e.coll_text_lse = against.log_partitions(e.title_vec, e.text_vec)
