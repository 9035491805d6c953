"""Places typed in English or pinyin into the job search box: nurse Wuhan, Jiang'an, jiangan qu.

English pages print every place in English (app/regions/english: 江岸区 → Jiang'an District,
武汉市 → Wuhan), so an English reader types it that way: any case, with or without the
apostrophe or the spaces between syllables, with the kind in English ("District", "City")
or in pinyin ("qu", "shi"), or without it. :class:`EnglishPlaceNames` maps each such spelling
to its places, for app/jobs/typed_places.py to read like the Chinese names.

Two guards keep English words words. A place's name alone (no kind) reads as the place only
for regions down to the county, and only when it is no English word a job seeker types for
what it means (english_place_words.txt: Dean, Lean, Guide, Yuan) unless written with its
apostrophe (De'an); townships and villages, whose names include Side, Line and Sale, need
their kind (Dazhi Subdistrict).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models.regions import Region
from app.regions.english import (
    EXONYMS,
    KINDS,
    PEOPLES,
    SHORTEST_STEM,
    english_name,
    place_pinyin,
)
from app.regions.loader import pinyin_key
from app.regions.queries import (
    AUTONOMOUS_SAID,
    MAX_TYPED_TOWNSHIPS,
    NAME_SUFFIXES,
    PREFECTURE,
    Place,
    Span,
    short_name,
    stem,
)
from search.analysis import syllable_splits

MAX_WORDS = 8
"""Latin words one place name may be typed as ("Xi Shuang Ban Na Dai Autonomous Prefecture")."""

_LATIN_WORD = re.compile(r"[a-zü]+", re.IGNORECASE)
"""Found in the text as typed: lower-casing first may change its length (İ), and so the
offsets the reading cuts the words at."""
_JOINER = re.compile(r"[\s'’\-]*")
"""What may stand between the words of one name: spaces, an apostrophe, a hyphen."""
_ENGLISH_KINDS = sorted(
    {kind.lower() for _, kind in KINDS if kind} | {"special administrative region"},
    key=len,
    reverse=True,
)
_PEOPLES = frozenset(people.lower() for people in PEOPLES.values())


def plain(text: str) -> str:
    """TEXT as a lookup key: lower-case letters only, ü as v (Lüliang, lvliang)."""
    return re.sub(r"[^a-z]", "", text.lower().replace("ü", "v"))


@cache
def english_words() -> frozenset[str]:
    """Place names that are also English words (english_place_words.txt)."""
    text = resources.files("app.jobs").joinpath("english_place_words.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@cache
def _ending_pinyin(ending: str) -> str:
    return "".join(place_pinyin(ending))


def _joined(text: str, words: list[tuple[int, int]]) -> bool:
    """Whether WORDS (offsets in TEXT) stand next to each other as the words of one name."""
    return all(_JOINER.fullmatch(text[a[1] : b[0]]) for a, b in zip(words, words[1:], strict=False))


def _ending(name: str) -> str:
    """The ending English names as NAME's kind (区 District, 开发区 Development Zone, 市 none),
    as app.regions.english reads it; "" when it has none."""
    for ending, _ in KINDS:
        if name.endswith(ending) and len(name) - len(ending) >= SHORTEST_STEM.get(ending, 1):
            return ending
    return ""


def _split_kind(english: str) -> tuple[str, str]:
    """An English name as its stem and its kind: ("Jiang'an", "district"); ("Wuhan", "")."""
    lowered = english.lower()
    for kind in _ENGLISH_KINDS:
        if lowered.endswith(" " + kind):
            return english[: -len(kind) - 1], kind
    return english, ""


def _without_peoples(stem_words: str) -> str:
    """A stem without the peoples an autonomous area names: "Changyang Tujia" → Changyang."""
    words = stem_words.split()
    while len(words) > 1 and words[-1].lower() in _PEOPLES:
        words.pop()
    return " ".join(words)


def _peoples_joined(stem_words: str) -> str | None:
    """A stem naming two peoples as their official English name joins them: "Enshi Tujia
    Miao" → "Enshi Tujia and Miao"; None with fewer than two."""
    words = stem_words.split()
    if len(words) < 3 or not all(word.lower() in _PEOPLES for word in words[-2:]):
        return None
    return " ".join([*words[:-1], "and", words[-1]])


class EnglishPlaceNames:
    """Spellings → places: NAMES with their kind (jiangandistrict, jianganqu, wuhancity),
    STEMS without it (jiangan, wuhan; regions down to the county only)."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.names: dict[str, list[Place]] = {}
        self.stems: dict[str, list[Place]] = {}
        for place in places:
            self._add(place)
        self.words = english_words()

    def _add(self, place: Place) -> None:
        said = short_name(place.name)
        if "·" in said:  # two names in one (华润·凌江社区): typed as either, rarely
            return
        ending = _ending(said)
        simple = ending in NAME_SUFFIXES  # 区, 市, 街道: not 开发区, whose stem is longer
        spellings = {english_name(said)}
        if said in EXONYMS:  # Urumqi is typed wulumuqi too
            spellings.add(english_name(said, exonyms=False))
        for spelling in spellings:
            stem_words, kind = _split_kind(spelling)
            bare = plain(stem_words)
            if not bare:
                continue
            if kind:
                self._put(self.names, bare + plain(kind), place)
                if (joined := _peoples_joined(stem_words)) is not None:  # Tujia and Miao
                    self._put(self.names, plain(joined) + plain(kind), place)
            if ending in AUTONOMOUS_SAID and kind:  # as 恩施州 is written: Enshi Prefecture
                alone = plain(_without_peoples(stem_words))
                short = plain(kind.removeprefix("autonomous"))
                for kind_said in (short, plain(kind), _ending_pinyin(AUTONOMOUS_SAID[ending])):
                    self._put(self.names, alone + kind_said, place)  # enshi zhou, changyang xian
            if simple:
                self._put(self.names, bare + _ending_pinyin(ending), place)  # jianganqu
            if ending == "市":
                self._put(self.names, bare + "city", place)
            # An autonomous prefecture goes by its first word (Enshi, Yanbian) as 恩施 does.
            named_alone = not ending or ending == PREFECTURE or (simple and stem(said) is not None)
            if place.level <= 3 and named_alone:
                for key in {bare, plain(_without_peoples(stem_words))}:
                    self._put(self.stems, key, place)

    @staticmethod
    def _put(table: dict[str, list[Place]], key: str, place: Place) -> None:
        found = table.setdefault(key, [])
        if place not in found:
            found.append(place)

    def spans(self, text: str) -> list[Span]:
        """Places named in Latin letters in TEXT: runs of up to MAX_WORDS words joined only by
        spaces, apostrophes and hyphens, the longest spelling first at each word."""
        words = [(m.start(), m.end()) for m in _LATIN_WORD.finditer(text)]
        out: list[Span] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + MAX_WORDS), i, -1):
                if not _joined(text, words[i:j]):
                    continue
                start, end = words[i][0], words[j - 1][1]
                span = self._span(text[start:end], start, end)
                if span is not None:
                    out.append(span)
                    i = j
                    break
            else:
                i += 1
        return out

    def _span(self, typed: str, start: int, end: int) -> Span | None:
        key = plain(typed)
        if key in self.names:
            return Span(start, end, tuple(self.names[key]), False)
        if key in self.stems and (key not in self.words or re.search("['’]", typed)):
            return Span(start, end, tuple(self.stems[key]), False)
        return None


TOWNSHIP_KINDS = {
    "subdistrict": ("街道", "街道办事处"),
    "jiedao": ("街道", "街道办事处"),
    "town": ("镇",),
    "zhen": ("镇",),
    "township": ("乡", "民族乡"),
    "xiang": ("乡", "民族乡"),
    "village": ("村民委员会", "村委会", "村"),
    "cun": ("村民委员会", "村委会", "村"),
    "community": ("社区居民委员会", "社区居委会", "社区"),
    "shequ": ("社区居民委员会", "社区居委会", "社区"),
    "neighbourhood": ("居民委员会", "居委会"),
    "neighborhood": ("居民委员会", "居委会"),
}
"""A township's or village's kind as typed, in English or pinyin → how its name ends in the
tree (东湖村民委员会 is Donghu Village)."""


def townships_named(session: Session, text: str) -> list[Span]:
    """Townships and villages named in English or pinyin with their kind in TEXT (Dazhi
    Subdistrict, donghu cun), as app.regions.queries.townships_named reads the Chinese full
    names: one query on the pinyin index ("dzjd dazhijiedao": every way the typed stem
    reads as syllables, with each ending), none when a name fits more than
    MAX_TYPED_TOWNSHIPS places."""
    words = [(m.start(), m.end()) for m in _LATIN_WORD.finditer(text)]
    wanted: dict[str, tuple[int, int]] = {}
    for k, (kind_start, kind_end) in enumerate(words):
        endings = TOWNSHIP_KINDS.get(text[kind_start:kind_end].lower())
        if not endings:
            continue
        for first in range(max(0, k - 4), k):
            if not _joined(text, words[first : k + 1]):
                continue
            stem_typed = plain(text[words[first][0] : words[k - 1][1]])
            for split in syllable_splits(stem_typed):
                for ending in endings:
                    key = pinyin_key([*split, *_ending_syllables(ending)])
                    wanted.setdefault(key, (words[first][0], kind_end))
    if not wanted:
        return []
    rows = session.execute(
        sa.select(Region.code, Region.name, Region.level, Region.pinyin)
        .where(Region.pinyin.in_(sorted(wanted)), Region.level >= 4)
        .limit(MAX_TYPED_TOWNSHIPS + 1)
    ).all()
    if len(rows) > MAX_TYPED_TOWNSHIPS:
        return []
    by_span: dict[tuple[int, int], list[Place]] = {}
    for code, name, level, key in rows:
        by_span.setdefault(wanted[key], []).append(Place(code, name, level))
    spans, taken = [], 0
    for (start, end), places in sorted(by_span.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if start >= taken:
            spans.append(Span(start, end, tuple(places), False))
            taken = end
    return spans


@cache
def _ending_syllables(ending: str) -> tuple[str, ...]:
    return tuple(place_pinyin(ending))
