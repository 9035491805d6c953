"""The document shapes the app hands to search, and their flat index records.

The app builds plain dicts (``JobDocument`` / ``ResumeDocument``) from database rows;
:func:`prepare` validates one and turns it into a :class:`Record`, the engine-neutral
form every backend writes: analysed text per field, keyword values, integers, and the
original document as ``source`` (returned with hits, used for highlighting).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, NotRequired, TypedDict

from search import analysis
from search.analysis import GRAMS, PINYIN, WORDS
from search.defaults import GRAMS_BOOST, HIGHLIGHT_SNIPPET_CHARS, PINYIN_BOOST, SORT_ID_BITS
from search.exceptions import DocumentInvalid

EMPLOYMENT_TYPES = ("full_time", "part_time", "internship", "contract", "temporary")


@lru_cache(maxsize=1)
def employment_words() -> dict[str, str]:
    """Employment type → the word job boards write for it (兼职), indexed with a job's skills
    so the word, and its synonyms ("part time"), find the jobs of that type whatever their
    text says (``data/employment_types.tsv``). Schema version 7."""
    text = resources.files("search").joinpath("data", "employment_types.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {kind: word for kind, word in rows}


REGION_LEVELS = 5
"""Province, city, county, town (street), village: the five levels of a 12-digit code."""


class JobDocument(TypedDict):
    """A job posting. ``region_path`` lists the ancestor codes from province down to the
    job's own region (``region_code`` included or not: it is added)."""

    id: int
    title: str
    description: str
    skills: list[str]
    category: str
    employment_type: Literal["full_time", "part_time", "internship", "contract", "temporary"]
    region_code: str
    region_path: list[str]
    salary_min: int
    salary_max: int
    salary_period: str
    remote: bool
    posted_at: dt.datetime | int | float
    employer_id: int
    employer_name: str
    employer_verified: bool
    status: str


class ResumeDocument(TypedDict):
    """A candidate's résumé (only those the candidate made searchable)."""

    id: int
    headline: str
    summary: str
    skills: list[str]
    experience_text: str
    education_level: str
    region_code: str
    region_path: list[str]
    expected_salary: int
    visibility: str
    updated_at: dt.datetime | int | float
    candidate_id: int
    employment_type: NotRequired[str]


@dataclass(frozen=True)
class IndexSpec:
    """Fields of one kind of index, as every backend lays them out."""

    kind: str
    text_fields: dict[str, float]
    """Analysed text field → boost (title > skills > description)."""
    keyword_fields: tuple[str, ...]
    """Exact-match single-valued strings: filters and terms facets."""
    int_fields: tuple[str, ...]
    """i64 values: ranges, sort keys."""
    highlight_fields: dict[str, int | None]
    """Field → snippet length (None: whole value)."""
    suggest_fields: dict[str, str]
    """Document field → suggestion kind (title, skill, employer...)."""
    mlt_fields: tuple[str, ...]
    recall_sources: tuple[str, ...] = ()
    """Fields whose text also fills the ``grams`` and ``pinyin`` recall fields (the short
    ones people name a job by: a description's grams would cost far more than they find)."""

    @property
    def all_text_fields(self) -> dict[str, float]:
        """Every analysed field an engine lays out: word fields, then the recall fields."""
        return {**self.text_fields, **self.fields_for(GRAMS), **self.fields_for(PINYIN)}

    def fields_for(self, via: str) -> dict[str, float]:
        """Field → boost where a :class:`search.analysis.Term` with ``via`` is looked up."""
        if via == WORDS:
            return self.text_fields
        if not self.recall_sources:
            return {}
        return {GRAMS: {GRAMS: GRAMS_BOOST}, PINYIN: {PINYIN: PINYIN_BOOST}}[via]


REGION_FIELDS = tuple(f"region_l{i}" for i in range(1, REGION_LEVELS + 1))
SHARED_KEYWORD_FIELDS = ("region_code", *REGION_FIELDS, "content_hash")
SHARED_INT_FIELDS = (
    "salary_min",
    "salary_max",
    "salary_mid",
    "posted_at",
    "sort_newest",
    "sort_salary",
)
"""Fields both kinds have, last in each kind's lists: the order is the on-disk column order
of existing indexes, so it must not change without a reindex."""

JOBS = IndexSpec(
    kind="jobs",
    text_fields={"title": 3.0, "skills": 2.0, "description": 1.0, "employer_name": 1.0},
    keyword_fields=(
        "category",
        "employment_type",
        "salary_period",
        "status",
        "remote",
        "employer_verified",
        "employer_id",
        *SHARED_KEYWORD_FIELDS,
    ),
    int_fields=SHARED_INT_FIELDS,
    highlight_fields={"title": None, "description": HIGHLIGHT_SNIPPET_CHARS},
    suggest_fields={"title": "title", "skills": "skill", "employer_name": "employer"},
    mlt_fields=("title", "skills"),
    recall_sources=("title", "skills"),
)

RESUMES = IndexSpec(
    kind="resumes",
    text_fields={"headline": 3.0, "skills": 2.0, "summary": 1.0, "experience_text": 1.0},
    keyword_fields=(
        "education_level",
        "visibility",
        "candidate_id",
        "employment_type",
        *SHARED_KEYWORD_FIELDS,
    ),
    int_fields=("expected_salary", *SHARED_INT_FIELDS),
    highlight_fields={
        "headline": None,
        "summary": HIGHLIGHT_SNIPPET_CHARS,
        "experience_text": HIGHLIGHT_SNIPPET_CHARS,
    },
    suggest_fields={"headline": "title", "skills": "skill"},
    mlt_fields=("headline", "skills"),
    recall_sources=("headline", "skills"),
)

SPECS = {"jobs": JOBS, "resumes": RESUMES}


def spec_for(kind: str) -> IndexSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise DocumentInvalid(
            f"unknown document kind {kind!r}; expected one of {list(SPECS)}"
        ) from None


@dataclass
class Record:
    """Engine-neutral form of one document."""

    id: int
    text: dict[str, str]
    keywords: dict[str, str]
    ints: dict[str, int]
    source_json: str
    """The canonical source as JSON (:func:`source_blob`): stored as it is by the local
    backends. Records cross a process boundary in bulk indexing, so the source travels once,
    as this string, and is parsed only where a dict is needed (:attr:`source`)."""
    suggestions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def source(self) -> dict[str, Any]:
        return json.loads(self.source_json)


def region_level(code: str) -> int:
    """1..5 from the trailing zeros of a 12-digit administrative code."""
    code = str(code)
    if len(code) != 12 or not code.isdigit():
        raise DocumentInvalid(f"region code must be 12 digits, got {code!r}")
    if code[2:] == "0" * 10:
        return 1
    if code[4:] == "0" * 8:
        return 2
    if code[6:] == "0" * 6:
        return 3
    if code[9:] == "000":
        return 4
    return 5


def epoch(value: Any, name: str = "timestamp") -> int:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return int(value.timestamp())
    if isinstance(value, dt.date):
        return int(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp())
    if isinstance(value, int | float):
        return int(value)
    raise DocumentInvalid(f"{name} must be a datetime or epoch seconds, got {value!r}")


def sort_key(value: int, doc_id: int) -> int:
    """Pack (value, id) into one i64 that orders like the pair (see SORT_ID_BITS)."""
    return (max(0, int(value)) << SORT_ID_BITS) | doc_id


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return epoch(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def canonical_source(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as JSON-safe values (datetimes → epoch seconds, tuples → lists)."""
    out = {}
    for k, v in doc.items():
        if isinstance(v, dt.date):
            v = epoch(v)
        elif isinstance(v, tuple | list):
            v = [epoch(x) if isinstance(x, dt.date) else x for x in v]
        out[k] = v
    return out


def source_blob(src: dict[str, Any]) -> str:
    """Canonical JSON of a canonical source (sorted keys, compact): stored and hashed."""
    return json.dumps(
        src, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )


def content_hash(doc: dict[str, Any], blob: str | None = None) -> str:
    """Stable hash of a document's content; :func:`search.reindex.check` compares these.

    The app may store it or recompute it from the row it would index."""
    if blob is None:
        blob = source_blob(canonical_source(doc))
    return blob_hash(blob.encode())


def blob_hash(blob: bytes) -> str:
    """:func:`content_hash` of a document whose canonical JSON is ``blob`` (UTF-8), e.g. a
    stored source."""
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


def _require(doc: dict[str, Any], names: tuple[str, ...], kind: str) -> None:
    missing = [n for n in names if n not in doc]
    if missing:
        raise DocumentInvalid(f"{kind} document {doc.get('id')!r} lacks {missing}")


def _regions(doc: dict[str, Any]) -> dict[str, str]:
    codes = tuple(str(c) for c in doc.get("region_path") or ())
    if doc.get("region_code"):
        codes += (str(doc["region_code"]),)
    return dict(_region_levels(codes))


@lru_cache(maxsize=50_000)
def _region_levels(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Region keyword fields of a region path; a country has a few thousand towns, and
    every job of one town has the same path."""
    out = {f: "" for f in REGION_FIELDS}
    for code in codes:
        out[f"region_l{region_level(code)}"] = code
    return tuple(out.items())


def _int(doc: dict[str, Any], name: str, default: int = 0) -> int:
    value = doc.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DocumentInvalid(f"{name} must be an integer, got {value!r}") from None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def prepare(kind: str, doc: dict[str, Any]) -> Record:
    """Validate ``doc`` and build its :class:`Record`. Raises :class:`DocumentInvalid`."""
    spec = spec_for(kind)
    if not isinstance(doc, dict):
        raise DocumentInvalid(f"document must be a dict, got {type(doc).__name__}")
    doc_id = _int(doc, "id", -1)
    if doc_id < 0 or doc_id >= 1 << SORT_ID_BITS:
        raise DocumentInvalid(
            f"id must be an integer in [0, 2**{SORT_ID_BITS}), got {doc.get('id')!r}"
        )
    if kind == "jobs":
        _require(doc, ("title", "region_code", "posted_at", "employer_id"), kind)
        smin, smax = _int(doc, "salary_min"), _int(doc, "salary_max")
        if smax < smin:
            smin, smax = smax, smin
        posted = epoch(doc["posted_at"], "posted_at")
        employment = doc.get("employment_type") or ""
        if employment and employment not in EMPLOYMENT_TYPES:
            raise DocumentInvalid(f"employment_type {employment!r} not in {EMPLOYMENT_TYPES}")
        keywords = {
            "category": str(doc.get("category") or ""),
            "employment_type": employment,
            "salary_period": str(doc.get("salary_period") or ""),
            "status": str(doc.get("status") or ""),
            "remote": "1" if doc.get("remote") else "0",
            "employer_verified": "1" if doc.get("employer_verified") else "0",
            "employer_id": str(_int(doc, "employer_id")),
            "region_code": str(doc["region_code"]),
        }
        sort_salary_value = smax
    else:
        _require(doc, ("headline", "region_code", "updated_at", "candidate_id"), kind)
        smin = smax = _int(doc, "expected_salary")
        posted = epoch(doc["updated_at"], "updated_at")
        keywords = {
            "education_level": str(doc.get("education_level") or ""),
            "visibility": str(doc.get("visibility") or ""),
            "candidate_id": str(_int(doc, "candidate_id")),
            "employment_type": str(doc.get("employment_type") or ""),
            "region_code": str(doc["region_code"]),
        }
        sort_salary_value = smax
    keywords.update(_regions(doc))
    source = canonical_source(doc)
    blob = source_blob(source)
    keywords["content_hash"] = content_hash(source, blob)
    ints = {
        "salary_min": smin,
        "salary_max": smax,
        "salary_mid": (smin + smax) // 2,
        "posted_at": posted,
        "sort_newest": sort_key(posted // 60, doc_id),
        "sort_salary": sort_key(sort_salary_value, doc_id),
    }
    if kind == "resumes":
        ints["expected_salary"] = smin
    text = {}
    for name in spec.text_fields:
        value = doc.get(name)
        if value is not None and not isinstance(value, str | list):
            raise DocumentInvalid(f"{name} must be text or a list of text")
        text[name] = analysis.index_text(value)
    # The type's word joins the skills everywhere they are analysed, their recall fields too:
    # a query's word lookups skip title and skills where its grams say enough (match_only).
    typed_as = employment_words().get(keywords["employment_type"]) if kind == "jobs" else None
    if typed_as:
        text["skills"] = f"{text['skills']} {analysis.index_text(typed_as)}".strip()
    if spec.recall_sources:
        short = [v for n in spec.recall_sources for v in _texts(doc.get(n))]
        short += [typed_as] if typed_as else []
        text[GRAMS] = analysis.gram_text(short)
        text[PINYIN] = analysis.pinyin_text(short)
    suggestions = []
    for name, skind in spec.suggest_fields.items():
        value = doc.get(name)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v and isinstance(v, str) and len(v) <= 64:
                suggestions.append((skind, v.strip()))
    return Record(doc_id, text, keywords, ints, blob, suggestions)


def prepare_many(kind: str, docs: list[dict[str, Any]]) -> list[Record]:
    """Batch form of :func:`prepare` (picklable entry point for worker processes)."""
    return [prepare(kind, d) for d in docs]
