"""The CSCO 2022 occupation tree read by name: search, children, a code's name path, and a
typed name back to its code. The classification is published in Chinese only; English pages
pass NAMED, which names an occupation in the reader's language (app.templating's
occupation_name: English where app/occupations/english.py has a name). In memory: 2,047 rows."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from matching.occupations import Occupation, occupations

SEARCH_LIMIT = 20

Named = Callable[[Occupation], str]


def chinese(occupation: Occupation) -> str:
    return occupation.name


def parent_code(code: str) -> str | None:
    """The nearest existing ancestor: 2-02-10-03 → 2-02-10-00 (or 2-02-00-00 when the
    group has no third level)."""
    parts = code.split("-")
    table = occupations()
    for keep in (3, 2, 1):
        if any(p != "00" for p in parts[keep:]):
            candidate = "-".join(parts[:keep] + ["00"] * (4 - keep))
            if candidate != code and candidate in table:
                return candidate
    return None


@lru_cache(maxsize=1)
def _children() -> dict[str | None, list[Occupation]]:
    out: dict[str | None, list[Occupation]] = {}
    for occupation in sorted(occupations().values(), key=lambda o: o.code_num):
        out.setdefault(parent_code(occupation.code), []).append(occupation)
    return out


def _node(occupation: Occupation, named: Named) -> dict:
    return {
        "code": occupation.code,
        "name": named(occupation),
        "level": occupation.level,
        "has_children": bool(_children().get(occupation.code)),
    }


def chain(code: str) -> list[Occupation]:
    """CODE's ancestors and itself, broadest first."""
    table = occupations()
    out = []
    while code and code in table:
        out.append(table[code])
        code = parent_code(code)
    return out[::-1]


def describe(code: str, named: Named = chinese) -> dict | None:
    """One occupation for the picker: its name, the names above it and its ancestors."""
    nodes = chain(code)
    if not nodes:
        return None
    return {
        **_node(nodes[-1], named),
        "ancestors": [_node(o, named) for o in nodes[:-1]],
        "path_names": " / ".join(named(o) for o in nodes),
    }


def children(code: str | None, named: Named = chinese) -> list[dict]:
    return [_node(o, named) for o in _children().get(code, [])]


def search(q: str, limit: int = SEARCH_LIMIT, named: Named = chinese) -> list[dict]:
    """Occupations whose name (Chinese, or as NAMED shows it) or a job-board alias contains Q:
    exact names first, then names starting with Q, then other names, then aliases; detailed
    occupations before groups."""
    q = (q or "").strip()
    if not q:
        return []
    ranked = []
    lowered = q.lower()
    for occupation in occupations().values():
        shown = named(occupation).lower()
        if lowered in (occupation.name, shown):
            rank = 0
        elif occupation.name.startswith(q) or shown.startswith(lowered):
            rank = 1
        elif q in occupation.name or lowered in shown:
            rank = 2
        elif any(q in alias for alias in occupation.aliases):
            rank = 3
        else:
            continue
        ranked.append((rank, -occupation.level, occupation.code_num, occupation))
    ranked.sort(key=lambda row: row[:3])
    out = []
    for *_, occupation in ranked[:limit]:
        parent = parent_code(occupation.code)
        out.append(
            {
                **_node(occupation, named),
                "path_names": " / ".join(named(o) for o in chain(occupation.code)),
                "where": named(occupations()[parent]) if parent else "",
            }
        )
    return out


def resolve(text: str) -> str | None:
    """The code of the occupation TEXT names (its name, its English name as an English page
    shows it, a code, or a name path)."""
    from app.occupations.english import chinese_by_english

    text = (text or "").strip()
    table = occupations()
    if text in table:
        return text
    name = text.replace("／", "/").split("/")[-1].strip()
    name = chinese_by_english().get(name.lower(), name)
    exact = [o.code for o in table.values() if o.name == name]
    if len(exact) == 1:
        return exact[0]
    alias = {o.code for o in table.values() if name in o.aliases}
    return alias.pop() if len(alias) == 1 else None


def name(code: str | None) -> str:
    occupation = occupations().get(code or "")
    return occupation.name if occupation else ""
