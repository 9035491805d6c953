"""Read side of the administrative tree: lookup, children, search. No Flask here.

Every query is a primary-key lookup or a range on an indexed column:
  * a subtree is ``in_subtree(Region.code, code)`` (codes are materialised paths);
  * ancestors are the code's prefixes, fetched with one ``code IN (...)``;
  * children use ``ix_regions_parent_code_name``;
  * pinyin search is a prefix range on ``ix_regions_pinyin`` ("whs wuhanshi": initials first,
    and the first letter of a full-pinyin query is its first initial, so both kinds of query
    narrow to an index range before the LIKE);
  * name search is a prefix range on ``name`` (indexed once ``ix_regions_name`` exists; see
    docs/regions.md). SQLite compares UTF-8 by code point, so a [q, next_prefix(q)) range is
    exact; on PostgreSQL the collation may not be code-point order, so a LIKE 'q%' is used,
    which the planner turns into an index range under the C collation or text_pattern_ops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models.regions import CODE_LENGTHS, Region, in_subtree, next_prefix
from app.regions.english import KINDS, PEOPLES, english_name, pinyin_spellings, without_peoples

SEARCH_LIMIT = 20
MAX_QUERY_LENGTH = 40

PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
"""Statistical placeholders at prefecture level (北京市/市辖区/东城区): kept in the data so the
tree stays regular, left out of ``path_names`` because nobody calls a place that."""

_PINYIN_QUERY = re.compile(r"^[a-z0-9' ]+$")
_LATIN_NAME = re.compile(r"^[a-zü' ,.-]+$")
"""A place typed in English or pinyin ("Haidian District, Beijing", "haidian", "Xi'an")."""


def _words(text: str) -> str:
    """TEXT as words split at spaces, dots and hyphens: "High-tech" and "high tech" alike."""
    return " ".join(text.replace(".", " ").replace("-", " ").split())


_ENGLISH_KINDS = sorted(
    {_words(kind.lower()) for _, kind in KINDS if kind} | {"city"}, key=len, reverse=True
)
"""The kinds English names end with (app.regions.english), longer first, in `_words`."""
_ENGLISH_PEOPLES = frozenset(_words(people.lower()) for people in PEOPLES.values())


class BadQuery(ValueError):
    """A code or search string that cannot name a region (the views answer 400)."""


def is_code(code: str) -> bool:
    return code.isdigit() and len(code) in CODE_LENGTHS.values()


def check_code(code: str) -> str:
    if not is_code(code):
        raise BadQuery("a division code has 2, 4, 6, 9 or 12 digits")
    return code


def ancestor_codes(code: str) -> list[str]:
    """Proper prefixes of CODE that are codes, root first: 420102 → [42, 4201]."""
    return [code[:n] for n in sorted(CODE_LENGTHS.values()) if n < len(code)]


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: int

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level}


def path_names(names: list[str]) -> str:
    shown = [n for n in names if n not in PLACEHOLDERS] or names
    return " / ".join(shown)


def names_by_code(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(
        sa.select(Region.code, Region.name).where(Region.code.in_(sorted(codes)))
    )
    return dict(rows.all())


def _with_paths(session: Session, nodes: list[Node]) -> list[dict]:
    wanted = {a for node in nodes for a in ancestor_codes(node.code)}
    names = names_by_code(session, wanted)
    out = []
    for node in nodes:
        chain = [names[a] for a in ancestor_codes(node.code) if a in names] + [node.name]
        out.append({**node.as_dict(), "path_names": path_names(chain)})
    return out


def get_region(session: Session, code: str) -> dict | None:
    """The region with its ancestors (root first) and ``path_names``; None when unknown."""
    check_code(code)
    region = session.get(Region, code)
    if region is None:
        return None
    chain = ancestor_codes(code)
    names = names_by_code(session, set(chain))
    ancestors = [
        {"code": a, "name": names[a], "level": i + 1} for i, a in enumerate(chain) if a in names
    ]
    has_children = (
        session.scalar(sa.select(sa.literal(1)).where(Region.parent_code == code).limit(1))
        is not None
    )
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent_code,
        "ancestors": ancestors,
        "path_names": path_names([a["name"] for a in ancestors] + [region.name]),
        "has_children": has_children,
    }


def children(session: Session, code: str | None) -> list[dict]:
    """Direct children of CODE in code order (the provinces when CODE is None)."""
    where = Region.parent_code.is_(None) if code is None else Region.parent_code == check_code(code)
    rows = session.execute(
        sa.select(Region.code, Region.name, Region.level).where(where).order_by(Region.code)
    )
    return [{"code": c, "name": n, "level": lv, "has_children": lv < 5} for c, n, lv in rows]


def _prefix(session: Session, column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """COLUMN starts with PREFIX, as an index range (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        return column.startswith(prefix, autoescape=True)
    return sa.and_(column >= prefix, column < next_prefix(prefix))


def search(
    session: Session, q: str, within: str | None = None, limit: int = SEARCH_LIMIT
) -> list[dict]:
    """Regions whose name, pinyin initials, full pinyin or code starts with Q.

    Shallower levels first (provinces before villages), then by code; WITHIN restricts the
    search to a subtree. Raises BadQuery for an empty or over-long Q or a bad WITHIN.
    """
    q = (q or "").strip()
    if not q:
        raise BadQuery("q is required")
    if len(q) > MAX_QUERY_LENGTH:
        raise BadQuery(f"q is limited to {MAX_QUERY_LENGTH} characters")
    lowered = q.lower()
    if _LATIN_NAME.match(lowered) and not _PINYIN_QUERY.match(lowered):
        lowered = _english_stem(lowered.split(",")[0])  # "Haidian District, Beijing": its place
    elif _LATIN_NAME.match(lowered):
        lowered = _english_stem(lowered) or lowered  # "Haidian District" → haidian
    if q.isdigit():
        condition = in_subtree(Region.code, q)
    elif _PINYIN_QUERY.match(lowered):
        typed = re.sub(r"[' ]", "", lowered)
        if not typed:
            raise BadQuery("q is required")
        condition = sa.or_(
            _prefix(session, Region.pinyin, typed),
            sa.and_(
                _prefix(session, Region.pinyin, typed[0]),
                Region.pinyin.contains(" " + typed, autoescape=True),
            ),
        )
    else:
        condition = _prefix(session, Region.name, q)
    stmt = sa.select(Region.code, Region.name, Region.level).where(condition)
    if within is not None:
        stmt = stmt.where(in_subtree(Region.code, check_code(within)))
    stmt = stmt.order_by(Region.level, Region.code).limit(limit)
    nodes = [Node(c, n, lv) for c, n, lv in session.execute(stmt)]
    return _with_paths(session, nodes)


def full_names(session: Session, codes: set[str]) -> dict[str, str]:
    """CODE → its full name, province first, space-separated ("湖北省 武汉市 江岸区"), for
    pages: one query for every code and ancestor. Unknown codes are left out."""
    valid = {c for c in codes if c and is_code(c)}
    wanted = valid | {a for c in valid for a in ancestor_codes(c)}
    names = names_by_code(session, wanted)
    out = {}
    for code in valid:
        if code in names:
            chain = [names[a] for a in ancestor_codes(code) if a in names] + [names[code]]
            out[code] = " ".join(n for n in chain if n not in PLACEHOLDERS) or names[code]
    return out


_SEPARATORS = re.compile(r"[\s/›>,，、·]+")


def resolve(session: Session, text: str) -> str | None:
    """The code of the region TEXT names: a code, a full name with or without separators
    ("湖北省武汉市江岸区", "湖北省 / 武汉市 / 江岸区", "武汉市江岸区") or a name only one
    region has ("江岸区"). None when nothing, or more than one region, fits.

    Walks down the tree: at each level the child whose name starts the rest of the text
    (placeholder levels such as 市辖区 are passed through), so a typed name needs no list."""
    text = (text or "").strip()
    if not text or len(text) > 200:
        return None
    if text.isdigit():
        return text if is_code(text) and session.get(Region, text) is not None else None
    if _LATIN_NAME.match(text.lower()):
        return _resolve_english(session, text)
    rest = _SEPARATORS.sub("", text)
    # Where the walk starts: the root, or (for "武汉市江岸区") every region whose name starts the text.
    starts: list[str | None] = [None]
    heads = [rest[:n] for n in range(2, min(len(rest), 30) + 1)]
    first = session.execute(
        sa.select(Region.code).where(Region.name.in_(heads), Region.level > 1).limit(50)
    ).scalars()
    starts += list(first)
    found = set()
    for start in starts:
        code = _walk(session, start, rest if start is None else rest[len(_name(session, start)) :])
        if code:
            found.add(code)
    if len(found) == 1:
        return found.pop()
    return None


def _english_stem(typed: str) -> str:
    """TYPED (lower case, one place) without its English kind and peoples, as the pinyin index
    spells it: "haidian district" → haidian, "xi'an" → xian, "lüliang" → lvliang, "urumqi"
    → wulumuqi."""
    typed = _words(typed)
    for kind in _ENGLISH_KINDS:
        if typed.endswith(" " + kind):
            typed = typed[: -len(kind) - 1]
            break
    words = typed.split(" ")
    while len(words) > 1 and words[-1] in _ENGLISH_PEOPLES:  # "bayingolin mongol"
        words.pop()
    stem = "".join(words).replace("ü", "v").replace("'", "")
    return pinyin_spellings().get(stem, stem)  # "urumqi" → wulumuqi


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("ü", "v"))


_PLAIN_KINDS = {_plain(kind) for kind in _ENGLISH_KINDS} | {""}


def _resolve_english(session: Session, text: str) -> str | None:
    """The code of the place TEXT names in English or pinyin, as English pages write it
    ("Haidian District, Beijing": smallest first, so it is read from the end): at each part,
    the shallowest region whose English name is the part (any kind, if none was typed); None
    when no region, or more than one at that level, fits."""
    code = None
    for part in reversed([p.strip() for p in text.lower().split(",") if p.strip()]):
        stem = _english_stem(part)
        if not stem or not _PINYIN_QUERY.match(stem):
            return None
        typed = _plain(part)  # with the kind, if one was typed: then only that kind fits
        names = {typed} if typed != stem else {stem + kind for kind in _PLAIN_KINDS}
        fits = [
            found
            for found in search(session, stem, within=code, limit=SEARCH_LIMIT)
            if found["code"] != code
            and (
                _plain(english_name(found["name"])) in names
                or _plain(english_name(found["name"], exonyms=False)) in names
            )
        ]
        shallowest = (
            [f for f in fits if f["level"] == min(f["level"] for f in fits)] if fits else []
        )
        if len(shallowest) != 1:
            return None
        code = shallowest[0]["code"]
    return code


def _name(session: Session, code: str) -> str:
    return session.scalar(sa.select(Region.name).where(Region.code == code)) or ""


def _walk(session: Session, code: str | None, rest: str) -> str | None:
    while rest:
        kids = children(session, code)
        matches = [k for k in kids if rest.startswith(k["name"])]
        if matches:
            best = max(matches, key=lambda k: len(k["name"]))
            code, rest = best["code"], rest[len(best["name"]) :]
            continue
        through = [k for k in kids if k["name"] in PLACEHOLDERS]
        if len(through) != 1:
            return None
        code = through[0]["code"]
    return code


# Places typed into a search box ------------------------------------------------------

NAME_SUFFIXES = ("自治县", "街道", "省", "市", "区", "县", "旗", "镇", "乡", "村", "社区")
"""What a place's name may be typed without (江岸区 → 江岸, 花山镇 → 花山), longest first."""
_COMMITTEES = (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", ""), ("居委会", ""))
"""Villages are named after their committee (东湖村民委员会); people say 东湖村."""
_TOWNSHIP_KINDS = ("街道", "镇", "乡", "村", "社区")
"""How a township's or village's name ends once its committee is dropped."""
MIN_STEM = 2
"""A name without its suffix is a place only from two characters up (城区 has no stem)."""


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int


def short_name(name: str) -> str:
    """NAME as people say it: a village without its committee (东湖村民委员会 → 东湖村)."""
    for committee, kind in _COMMITTEES:
        if name.endswith(committee) and len(name) > len(committee):
            return name[: -len(committee)] + kind
    return name


def stem(name: str) -> str | None:
    """NAME without its kind (江岸区 → 江岸), or None when too little would be left."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_STEM:
            return name[: -len(suffix)]
    return None


PREFECTURE = "自治州"
"""An autonomous prefecture's kind: said without it, and without its peoples (恩施)."""


def stems_of(name: str) -> set[str]:
    """What NAME may be typed as without its kind: its stem, and for an autonomous area its
    place alone (恩施土家族苗族自治州 → 恩施, 长阳土家族自治县 → 长阳土家族 and 长阳)."""
    bare = stem(name) or (name[: -len(PREFECTURE)] if name.endswith(PREFECTURE) else None)
    if bare is None:
        return set()
    place = without_peoples(bare)
    return {bare, place} if len(place) >= MIN_STEM else {bare}


AUTONOMOUS_SAID = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
"""An autonomous area's kind → how it is usually written after the place alone (恩施州, 长阳县)."""


def autonomous_said(name: str) -> str | None:
    """An autonomous area as it is usually written: its place and its kind's last character
    (恩施土家族苗族自治州 → 恩施州, 长阳土家族自治县 → 长阳县); None for any other NAME."""
    for kind, short in AUTONOMOUS_SAID.items():
        if name.endswith(kind):
            place = without_peoples(name[: -len(kind)])
            return place + short if len(place) >= MIN_STEM else None
    return None


@dataclass(frozen=True)
class Span:
    """A stretch of typed text that names places: TEXT[start:end] is a name or a stem."""

    start: int
    end: int
    places: tuple[Place, ...]
    by_stem: bool


class PlaceNames:
    """Names → places, for reading places out of typed text: each place under its name, its
    short name and its stem. Built once per process for the levels down to the county (3,300
    regions); a county's townships and villages get one of their own when a search is
    scoped to it (a few hundred)."""

    def __init__(self, places: list[Place]) -> None:
        self.names: dict[str, list[Place]] = {}
        self.stems: dict[str, list[Place]] = {}
        for place in places:
            said = short_name(place.name)
            for name in {place.name, said, autonomous_said(said)} - {None, *PLACEHOLDERS}:
                self.names.setdefault(name, []).append(place)
            for bare in stems_of(said):
                self.stems.setdefault(bare, []).append(place)
        self.longest = max(map(len, [*self.names, *self.stems]), default=0)

    def spans(self, text: str) -> list[Span]:
        """Names in TEXT, left to right, longest first at each position (江岸区 before 江岸)."""
        out = []
        at = 0
        while at < len(text):
            for end in range(min(len(text), at + self.longest), at + MIN_STEM - 1, -1):
                key = text[at:end]
                if key in self.names or key in self.stems:
                    by_stem = key not in self.names
                    places = self.stems[key] if by_stem else self.names[key]
                    out.append(Span(at, end, tuple(places), by_stem))
                    at = end
                    break
            else:
                at += 1
        return out


def place_names(session: Session, within: str | None = None) -> PlaceNames:
    """The places down to the county (WITHIN None), or the townships and villages of WITHIN's
    subtree (a county or deeper)."""
    if within is None:
        where = Region.level <= 3
    else:
        where = sa.and_(in_subtree(Region.code, check_code(within)), Region.level >= 4)
    rows = session.execute(sa.select(Region.code, Region.name, Region.level).where(where))
    return PlaceNames([Place(c, n, lv) for c, n, lv in rows])


def subdivisions(session: Session, codes: list[str]) -> dict[str, int]:
    """CODE → how many regions it has just below (of two places with one name, the larger
    is the likelier meant): a range on the parent index, asked only for namesakes."""
    rows = session.execute(
        sa.select(Region.parent_code, sa.func.count())
        .where(Region.parent_code.in_(codes))
        .group_by(Region.parent_code)
    )
    return dict(rows.all())


MAX_TYPED_TOWNSHIPS = 50
"""Townships and villages a typed name may fit before it is read as words (新华村...)."""


def _committee_names(said: str) -> tuple[str, ...]:
    """The names a township or village said as SAID may have in the tree."""
    if said.endswith("村"):
        return (said, said + "民委员会", said + "委会")
    if said.endswith("社区"):
        bare = said[:-2]
        return (said, said + "居民委员会", said + "居委会", bare + "居民委员会", bare + "居委会")
    return (said,)


def townships_named(session: Session, text: str) -> list[Span]:
    """Townships and villages named in full in TEXT (大智街道, 三德里社区, 东湖村): one query
    on the name index for the stretches ending in a township's or village's kind; none
    when a name fits more than MAX_TYPED_TOWNSHIPS places (新华村: a word, not a place)."""
    wanted: dict[str, tuple[int, int]] = {}
    for kind in _TOWNSHIP_KINDS:
        for found in re.finditer(kind, text):
            end = found.end()
            for start in range(max(0, end - 12), end - len(kind) - MIN_STEM + 1):
                for name in _committee_names(text[start:end]):
                    wanted.setdefault(name, (start, end))
    if not wanted:
        return []
    rows = session.execute(
        sa.select(Region.code, Region.name, Region.level)
        .where(Region.name.in_(sorted(wanted)), Region.level >= 4)
        .limit(MAX_TYPED_TOWNSHIPS + 1)
    ).all()
    if len(rows) > MAX_TYPED_TOWNSHIPS:
        return []
    by_span: dict[tuple[int, int], list[Place]] = {}
    for code, name, level in rows:
        by_span.setdefault(wanted[name], []).append(Place(code, name, level))
    spans, taken = [], 0
    for (start, end), places in sorted(by_span.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if start >= taken:  # the longest name at each position, none overlapping
            spans.append(Span(start, end, tuple(places), False))
            taken = end
    return spans
