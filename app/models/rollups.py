"""Precomputed dashboard figures, so an official's page never scans raw applications.

A rollup row is one count for one region node at one tree level: every leaf figure is
stored again under each of its ancestors (``level`` = code length 2/4/6/9/12). A
dashboard for node F then reads only the rows of F's children (``level`` = the next
length, ``region_code`` in F's subtree): a few hundred rows, whatever the data size. A
row whose code is shorter than its level holds items located at that node itself.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.jobs import Job


class RollupCount(Base):
    __tablename__ = "rollup_counts"
    __table_args__ = (sa.Index("ix_rollup_counts_lookup", "metric", "level", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(24))
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    region_code: Mapped[str] = mapped_column(sa.String(12))
    # Monday of the week the counted events happened in.
    period: Mapped[date]
    dim1: Mapped[str] = mapped_column(sa.String(16), default="")
    dim2: Mapped[str] = mapped_column(sa.String(16), default="")
    value: Mapped[int] = mapped_column(sa.BigInteger)


class RollupRun(Base):
    """When the rollups were last computed (shown on every dashboard)."""

    __tablename__ = "rollup_runs"

    name: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    computed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(default=0.0)


# The recruitment dashboard lists the oldest open vacancies nobody applied to: walking this
# index in order finds them without sorting every job of a province.
sa.Index("ix_jobs_status_published_at", Job.status, Job.published_at)
