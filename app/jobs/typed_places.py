"""Places typed into the job search box: 司机 江岸区 is 司机 in 江岸区.

People type places with the words (江岸区 司机, 服务员洪山区, 硚口), and the index holds
regions as codes, so the words alone found nothing. :func:`read` finds the place in the
text (a full name, or one without its kind: 江岸, 汉阳; townships and villages by their
full name, or without their kind inside a county the search is scoped to; the same places
in English or pinyin, as English pages print them: app/jobs/english_places.py); the search
then filters on it and searches the rest. Read once in app.jobs.search, so the page, the
API and the database fallback run the same search on every backend.

A name several places share (长安区: Xi'an's and Shijiazhuang's) is read as the one inside
the search's region or the reader's home region, else the largest (shallowest, then most
subdivisions); the others are offered as links. A filter rather than a boost: it reads the
same on every engine and the page says what it did, with a link to search the words
everywhere. Townships and villages, whose names repeat across the country (新华村), are read
only where one place fits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.jobs import english_places, typed_words
from app.jobs.english_places import EnglishPlaceNames
from app.kept import kept
from app.regions.queries import (
    Place,
    PlaceNames,
    Span,
    place_names,
    subdivisions,
    townships_named,
)
from search import analysis

NAMES_KEPT_S = 6 * 3600.0
"""The region tree changes with `yunpin regions load` only; a process keeps its names."""


@dataclass(frozen=True)
class Reading:
    typed: str
    """The place as it was typed (江岸)."""
    place: Place
    others: tuple[Place, ...]
    """Places of the same name not chosen (offered as links)."""
    words: str
    """The rest of the query, searched inside the place (its filler left out: "nurse in
    Wuhan" is nurse, app/jobs/typed_words.py)."""


def _counties(session: Session) -> PlaceNames:
    return kept("place_names", None, lambda: place_names(session), ttl=NAMES_KEPT_S, limit=1)


def _townships(session: Session, county: str) -> PlaceNames:
    return kept(
        "township_names",
        county,
        lambda: place_names(session, within=county),
        ttl=NAMES_KEPT_S,
        limit=200,
    )


def _places_in(names: PlaceNames) -> set[Place]:
    return {place for places in names.names.values() for place in places}


def _english_counties(session: Session) -> EnglishPlaceNames:
    """The English spellings of the places down to the county: built on the first search
    typed in Latin letters (romanising 3,351 names: ~0.5 s), then kept like the names."""
    return kept(
        "english_place_names",
        None,
        lambda: EnglishPlaceNames(_places_in(_counties(session))),
        ttl=NAMES_KEPT_S,
        limit=1,
    )


def _english_townships(session: Session, county: str) -> EnglishPlaceNames:
    return kept(
        "english_township_names",
        county,
        lambda: EnglishPlaceNames(_places_in(_townships(session, county))),
        ttl=NAMES_KEPT_S,
        limit=200,
    )


NAME_TAGS = frozenset({"ns", "nr", "nrt", "nz", "nt", "ng", "s", "j", "x"})
"""Parts of speech of a word that may be a place's name without its kind: place, person
and other proper names, unknown words (硚口); not verbs or common nouns (合作, 振兴, 小店)."""


def _is_word_stem(span: Span, text: str, bounds: set[int]) -> bool:
    """A name typed without its kind is a place only as a whole word of the query (江岸
    in 江岸司机, not 新华 in 新华书店). A county's only if it reads as a name (合作 is a
    verb before it is 合作市); a prefecture's or province's always: the segmenter calls 遵义
    and 保定 verbs and 大连 an adverb, and the 50 of the judged set's 5,900 real titles
    holding such a stem (22 of them: 合肥, 日照, 来宾…) all mean the place. A township's
    only if it is no dictionary word (车站, 劳动 before 车站街道)."""
    if span.start not in bounds or span.end not in bounds:
        return False
    word = text[span.start : span.end]
    if min(p.level for p in span.places) >= 4:
        return not analysis.is_dictionary_word(word)
    if min(p.level for p in span.places) <= 2:
        return True
    return analysis.part_of_speech(word) in NAME_TAGS


_LATIN = re.compile("[A-Za-zü]")


def _spans(session: Session, text: str, scope: str) -> list[Span]:
    """Place names in TEXT, none overlapping, the longer first where two start together."""
    found = _counties(session).spans(text) + townships_named(session, text)
    if len(scope) >= 6:
        found += _townships(session, scope[:6]).spans(text)
    words = analysis.words_with_offsets(text)
    bounds = {s for _, s, _ in words} | {e for _, _, e in words}
    found = [s for s in found if not s.by_stem or _is_word_stem(s, text, bounds)]
    if _LATIN.search(text):  # nurse Wuhan, Jiang'an: as English pages write places
        found += _english_counties(session).spans(text) + english_places.townships_named(
            session, text
        )
        if len(scope) >= 6:
            found += _english_townships(session, scope[:6]).spans(text)
    chosen: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, s.start - s.end, s.by_stem)):
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return chosen


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _shared(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _choose(session: Session, places: tuple[Place, ...], scope: str, home: str) -> Place | None:
    """The place meant among namesakes: inside (or around) SCOPE, else nearest HOME, else
    the largest (shallowest, then most subdivisions); None for townships and villages no
    scope tells apart."""
    fitting = [p for p in places if _related(p.code, scope)] if scope else []
    if not fitting and home:
        nearest = max(_shared(p.code, home) for p in places)
        fitting = [p for p in places if _shared(p.code, home) == nearest >= 4]
    fitting = fitting or list(places)
    if len(fitting) == 1:
        return fitting[0]
    if min(p.level for p in fitting) >= 4:
        return None
    size = subdivisions(session, [p.code for p in fitting])
    return min(fitting, key=lambda p: (p.level, -size.get(p.code, 0), p.code))


def read(session: Session, q: str, scope: str = "", home: str = "") -> Reading | None:
    """The place Q names and the words left (None when it names none). SCOPE is the
    search's region filter, HOME the reader's region: both tell namesakes apart. A second
    place inside or around the first narrows it (武汉 江岸); one elsewhere stays a word."""
    text = analysis.simplify(unicodedata.normalize("NFKC", q))
    place: Place | None = None
    others: tuple[Place, ...] = ()
    used: list[Span] = []
    for span in _spans(session, text, scope):
        chosen = _choose(session, span.places, place.code if place else scope, home)
        if chosen is None or (place and not _related(chosen.code, place.code)):
            continue
        if place is None or len(chosen.code) > len(place.code):
            place = chosen
            others = tuple(p for p in span.places if p != chosen)
        used.append(span)
    if place is None:
        return None
    typed = " ".join(text[s.start : s.end] for s in used)
    words = text
    for span in reversed(used):
        words = words[: span.start] + " " + words[span.end :]
    return Reading(typed, place, others, typed_words.searched(words))


@dataclass(frozen=True)
class Box:
    """A search box read into its filters: the words to search, the region and areas."""

    words: str
    region: str
    areas: tuple[str, ...]
    reading: Reading | None


def read_box(session: Session, q: str, region: str, areas: tuple[str, ...], home: str = "") -> Box:
    """Q as a search of REGION (and its AREAS) reads it, for jobs and résumés alike: a place
    named becomes the region, unless the region filter is already inside it (江岸区 with 武汉
    typed), and areas outside it are dropped; English filler is left out (jobs, hiring).
    HOME, the reader's region, tells namesakes apart."""
    reading = read(session, q, region, home)
    if reading is None:
        return Box(typed_words.searched(q), region, areas, None)
    code = reading.place.code
    if region.startswith(code):
        return Box(reading.words, region, areas, reading)
    inside = tuple(a for a in areas if a.startswith(code) and len(a) > len(code))
    return Box(reading.words, code, inside, reading)
