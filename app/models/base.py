"""Declarative base shared by every model, and the column types the models repeat."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

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


def created_at_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, server_default=sa.func.current_timestamp())
