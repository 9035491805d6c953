"""Computing the dashboard rollups from the raw tables, in the database, in one transaction.

Each metric is a GROUP BY over the raw rows at the finest level (the row's own region
code), copied up to every ancestor level by grouping on the code's prefix. Everything runs
as INSERT ... SELECT, so even a million applications never travel to Python. Flask-free:
callers pass the session (the RQ task in app.dashboards.tasks, the benchmark, the tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app import clock
from app.dashboards.scope import CODE_LENGTHS, child_length
from app.models import (
    AgreementStatus,
    Application,
    CooperationAgreement,
    Employer,
    Interview,
    Job,
    ResumptionReport,
    RollupCount,
    RollupRun,
    Stage,
    User,
    VerificationReview,
    in_subtree,
    utcnow,
)

RUN_NAME = "dashboards"
# Response times above a month all land in the last bucket (hours).
MAX_HOURS = 720


def week_start(session: Session, day: sa.ColumnElement) -> sa.ColumnElement:
    """The Monday of DAY's week, as a date, on PostgreSQL and SQLite. DAY is a date in Beijing
    (a stored time goes through `beijing_week`), so the weeks are the officials' weeks."""
    if session.get_bind().dialect.name == "postgresql":
        # A timestamp without zone: a bare date would go through timestamptz and the session's zone.
        midnight = sa.cast(day, sa.DateTime)
        return sa.cast(sa.func.date_trunc(sa.literal_column("'week'"), midnight), sa.Date)
    return sa.func.date(day, "weekday 0", "-6 days")


def beijing_week(session: Session, stamp: sa.ColumnElement) -> sa.ColumnElement:
    """The Monday of the Beijing week STAMP (naive UTC, as stored) falls in: an application at
    00:30 on a Monday in Beijing (Sunday 16:30 UTC) counts in the week that Monday begins."""
    return week_start(session, clock.sql_day(session, stamp))


def hours_between(
    session: Session, start: sa.ColumnElement, end: sa.ColumnElement
) -> sa.ColumnElement:
    """Whole hours from START to END, clamped to [0, MAX_HOURS]."""
    if session.get_bind().dialect.name == "postgresql":
        hours = sa.func.floor(sa.extract("epoch", end - start) / 3600)
        return sa.cast(sa.func.least(sa.func.greatest(hours, 0), MAX_HOURS), sa.Integer)
    hours = sa.cast((sa.func.julianday(end) - sa.func.julianday(start)) * 24, sa.Integer)
    return sa.func.min(sa.func.max(hours, 0), MAX_HOURS)


def prefix(column: sa.ColumnElement[str], length: int) -> sa.ColumnElement[str]:
    """The first LENGTH characters, as literal SQL so that PostgreSQL matches it in GROUP BY."""
    return sa.func.substr(column, sa.literal_column("1"), sa.literal_column(str(int(length))))


def count_of(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def metric_queries(session: Session) -> dict[str, Callable[[], sa.Select]]:
    """Metric name → a SELECT of (region_code, period, dim1, dim2, value) at the finest level."""

    def week(stamp):
        return beijing_week(session, stamp)

    report_week = week_start(session, ResumptionReport.report_date)  # already Beijing's date

    def applications(value, *where, period=Application.created_at):
        return (
            sa.select(Job.region_code, week(period), Employer.industry, sa.literal(""), value)
            .select_from(Application)
            .join(Job, Application.job_id == Job.id)
            .join(Employer, Job.employer_id == Employer.id)
            .where(*where)
            .group_by(Job.region_code, week(period), Employer.industry)
        )

    latest = (
        sa.select(
            ResumptionReport.employer_id,
            sa.func.max(ResumptionReport.report_date).label("day"),
        )
        .group_by(ResumptionReport.employer_id, report_week)
        .subquery()
    )

    def resumption(value):
        return (
            sa.select(
                Employer.region_code,
                report_week,
                Employer.industry,
                Employer.size,
                value,
            )
            .select_from(latest)
            .join(
                ResumptionReport,
                sa.and_(
                    ResumptionReport.employer_id == latest.c.employer_id,
                    ResumptionReport.report_date == latest.c.day,
                ),
            )
            .join(Employer, Employer.id == ResumptionReport.employer_id)
            .group_by(
                Employer.region_code,
                report_week,
                Employer.industry,
                Employer.size,
            )
        )

    first_review = (
        sa.select(
            VerificationReview.employer_id, sa.func.min(VerificationReview.created_at).label("at")
        )
        .group_by(VerificationReview.employer_id)
        .subquery()
    )
    review_hours = hours_between(session, Employer.submitted_at, first_review.c.at)
    response_hours = hours_between(session, Application.created_at, Application.first_response_at)

    return {
        "res_reported": lambda: resumption(sa.func.count()),
        "res_resumed": lambda: resumption(count_of(ResumptionReport.resumed)),
        "res_back": lambda: resumption(sa.func.sum(ResumptionReport.workers_back)),
        "res_total": lambda: resumption(sa.func.sum(ResumptionReport.workers_total)),
        "jobs_posted": lambda: (
            sa.select(
                Job.region_code,
                week(Job.published_at),
                Employer.industry,
                sa.literal(""),
                sa.func.count(),
            )
            .join(Employer, Job.employer_id == Employer.id)
            .where(Job.published_at.is_not(None))
            .group_by(Job.region_code, week(Job.published_at), Employer.industry)
        ),
        "applications": lambda: applications(sa.func.count()),
        "hires": lambda: applications(sa.func.count(), Application.stage == Stage.HIRED),
        "responded": lambda: applications(
            sa.func.count(), Application.first_response_at.is_not(None)
        ),
        "interviews": lambda: (
            sa.select(
                Job.region_code,
                week(Interview.created_at),
                Employer.industry,
                sa.literal(""),
                sa.func.count(),
            )
            .select_from(Interview)
            .join(Application, Interview.application_id == Application.id)
            .join(Job, Application.job_id == Job.id)
            .join(Employer, Job.employer_id == Employer.id)
            .group_by(Job.region_code, week(Interview.created_at), Employer.industry)
        ),
        "resp_hours": lambda: (
            sa.select(
                Job.region_code,
                week(Application.created_at),
                sa.cast(response_hours, sa.String),
                sa.literal(""),
                sa.func.count(),
            )
            .select_from(Application)
            .join(Job, Application.job_id == Job.id)
            .where(Application.first_response_at.is_not(None))
            .group_by(Job.region_code, week(Application.created_at), response_hours)
        ),
        "review_hours": lambda: (
            sa.select(
                Employer.region_code,
                week(Employer.submitted_at),
                sa.cast(review_hours, sa.String),
                sa.literal(""),
                sa.func.count(),
            )
            .join(first_review, first_review.c.employer_id == Employer.id)
            .where(Employer.submitted_at.is_not(None))
            .group_by(Employer.region_code, week(Employer.submitted_at), review_hours)
        ),
    }


def cooperation_queries(session: Session) -> list[tuple[str, sa.Select]]:
    """Per agreement both regions agreed to: applications (and hires) by candidates from the
    origin for destination jobs in its industries, made while it ran. A proposal has no
    flows of its own.

    dim1 is the agreement id, dim2 the candidate's region at the origin's child level, and
    the row's region is the job's: a Sankey reads origin child → destination child.
    """
    queries = []
    candidate = aliased(User)
    agreed = sa.select(CooperationAgreement).where(
        CooperationAgreement.status.in_([AgreementStatus.ACTIVE, AgreementStatus.ENDED])
    )
    for agreement in session.scalars(agreed):
        origin_part = prefix(candidate.region_code, child_length(agreement.origin_code))
        period = beijing_week(session, Application.created_at)
        base = (
            sa.select(
                Job.region_code, period, sa.literal(str(agreement.id)), origin_part, sa.func.count()
            )
            .select_from(Application)
            .join(Job, Application.job_id == Job.id)
            .join(candidate, Application.candidate_id == candidate.id)
            .join(Employer, Job.employer_id == Employer.id)
            .where(
                in_subtree(Job.region_code, agreement.destination_code),
                in_subtree(candidate.region_code, agreement.origin_code),
                Employer.industry.in_(agreement.sectors) if agreement.sectors else sa.true(),
                Application.created_at >= clock.day_start(agreement.starts_on),
                Application.created_at < clock.day_start(agreement.last_day + timedelta(days=1)),
            )
            .group_by(Job.region_code, period, origin_part)
        )
        queries.append(("coop_apps", base))
        queries.append(("coop_hires", base.where(Application.stage == Stage.HIRED)))
    return queries


COLUMNS = ["metric", "level", "region_code", "period", "dim1", "dim2", "value"]


def recompute(session: Session, metrics: list[str] | None = None) -> dict[str, int]:
    """Replace the rollups with fresh figures; returns rows written per metric. Caller commits."""
    started = time.perf_counter()
    table = RollupCount.__table__
    finest = CODE_LENGTHS[-1]
    plans = [
        (name, build())
        for name, build in metric_queries(session).items()
        if not metrics or name in metrics
    ]
    if not metrics:
        plans += cooperation_queries(session)
        session.execute(sa.delete(RollupCount))
    else:
        session.execute(sa.delete(RollupCount).where(RollupCount.metric.in_(metrics)))
    for name, query in plans:
        leaf = query.with_only_columns(
            sa.literal(name), sa.literal(finest), *query.selected_columns
        )
        session.execute(table.insert().from_select(COLUMNS, leaf))
    written: dict[str, int] = {}
    for name in {name for name, _ in plans}:
        for length in reversed(CODE_LENGTHS[:-1]):
            source = (
                sa.select(
                    sa.literal(name),
                    sa.literal(length),
                    prefix(RollupCount.region_code, length),
                    RollupCount.period,
                    RollupCount.dim1,
                    RollupCount.dim2,
                    sa.func.sum(RollupCount.value),
                )
                .where(RollupCount.metric == name, RollupCount.level == finest)
                .group_by(
                    prefix(RollupCount.region_code, length),
                    RollupCount.period,
                    RollupCount.dim1,
                    RollupCount.dim2,
                )
            )
            session.execute(table.insert().from_select(COLUMNS, source))
        written[name] = (
            session.scalar(sa.select(sa.func.count()).where(RollupCount.metric == name)) or 0
        )
    run = session.get(RollupRun, RUN_NAME) or RollupRun(name=RUN_NAME, computed_at=utcnow())
    run.computed_at = utcnow()
    run.seconds = round(time.perf_counter() - started, 3)
    session.add(run)
    session.flush()
    return written


def computed_at(session: Session) -> datetime | None:
    run = session.get(RollupRun, RUN_NAME)
    return run.computed_at if run else None
