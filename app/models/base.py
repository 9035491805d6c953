"""Declarative base shared by every model, and the column types the models repeat."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

if TYPE_CHECKING:
    from app.uploads import StoredFile

# Named constraints let Alembic alter and drop them on every database, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dict[str, Any]: sa.JSON, list[str]: sa.JSON, list[dict]: sa.JSON},
    )


def enum_column(
    enum_cls: type[enum.StrEnum], name: str | None = None, **kwargs: Any
) -> Mapped[Any]:
    """A string column limited to ENUM_CLS's values by a CHECK constraint, on every database.

    NAME names the constraint; it must differ when one table has two columns of one enum.
    """
    return mapped_column(
        sa.Enum(
            enum_cls,
            name=name or enum_cls.__name__.lower(),
            native_enum=False,
            create_constraint=True,
            length=24,
            values_callable=lambda cls: [member.value for member in cls],
            validate_strings=True,
        ),
        **kwargs,
    )


def json_text_contains(column: sa.ColumnElement[Any], term: str) -> sa.ColumnElement[bool]:
    """SQL: the text of the JSON COLUMN (a list of strings) contains TERM, any case.

    JSON stores non-ASCII as \\uXXXX escapes, so TERM is searched in that spelling."""
    return sa.cast(column, sa.Text).icontains(json.dumps(term)[1:-1], autoescape=True)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, server_default=sa.func.current_timestamp())


class StoredUpload:
    """The columns of every row that records a kept upload (app/uploads.py): the random name
    the file is stored under, the name it was sent with (shown, never used as a path), the
    type sniffed from its bytes and its size."""

    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(80))
    size: Mapped[int]

    @classmethod
    def from_upload(cls, stored: StoredFile, **fields: Any) -> Self:
        """A row for the file STORED, with the model's own FIELDS."""
        return cls(
            filename=stored.filename,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size=stored.size,
            **fields,
        )
