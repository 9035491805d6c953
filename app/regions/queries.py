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
from app.regions.english import KINDS, PEOPLES, english_name, pinyin_spellings

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
