"""The administrative tree: province, prefecture, county, township, village.

Statistical division codes are prefix-hierarchical (42 → 4201 → 420102 → 420102001 →
420102001001), so a region's code is its materialised path: a subtree is the range
[code, next_prefix(code)) on the indexed code column, on any database.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

CODE_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def level_of(code: str) -> int:
    for level, length in CODE_LENGTHS.items():
        if len(code) == length:
            return level
    raise ValueError(f"not a division code: {code!r}")


def next_prefix(code: str) -> str:
    """The smallest string greater than every code that starts with CODE."""
    return code[:-1] + chr(ord(code[-1]) + 1)


def in_subtree(column: sa.ColumnElement[str], code: str) -> sa.ColumnElement[bool]:
    """SQL condition: COLUMN holds CODE or one of its descendants."""
    return sa.and_(column >= code, column < next_prefix(code))


class Region(Base):
    __tablename__ = "regions"
    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        sa.Index("ix_regions_parent_code_name", "parent_code", "name"),
        # The picker searches names and pinyin by prefix (LIKE 'x%'): on PostgreSQL that needs
        # pattern operators whatever the database's collation.
        sa.Index("ix_regions_name_prefix", "name", postgresql_ops={"name": "text_pattern_ops"}),
        sa.Index(
            "ix_regions_pinyin_prefix", "pinyin", postgresql_ops={"pinyin": "text_pattern_ops"}
        ),
    )

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    # Lower-case pinyin initials and full pinyin, for the picker's search ("whs wuhanshi").
    pinyin: Mapped[str] = mapped_column(sa.String(200), default="")

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"
