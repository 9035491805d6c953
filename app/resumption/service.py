"""Resumption of work (复工复产): an employer's daily report, and the latest report of each
enterprise behind the officials' figures (the figures themselves are rollups, app.dashboards)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import audit, clock
from app.models import Employer, ResumptionReport

if TYPE_CHECKING:
    from app.resumption.forms import ResumptionForm


def todays_report(session: Session, employer: Employer) -> ResumptionReport | None:
    return session.scalar(
        sa.select(ResumptionReport).where(
            ResumptionReport.employer_id == employer.id,
            ResumptionReport.report_date == clock.today(),
        )
    )


def save_report(
    session: Session, employer: Employer, report: ResumptionReport | None, form: ResumptionForm
) -> ResumptionReport:
    """Today's report from the form, replacing REPORT (today's, if any). A company that has
    resumed without saying when resumed today; one that has not has no date."""
    today = clock.today()
    report = report or ResumptionReport(employer_id=employer.id, report_date=today)
    form.populate_obj(report)
    if report.resumed and report.resumed_on is None:
        report.resumed_on = today
    if not report.resumed:
        report.resumed_on = None
    session.add(report)
    session.flush()
    audit.record(
        "resumption.report", report, resumed=report.resumed, workers_back=report.workers_back
    )
    return report


def history(session: Session, employer: Employer, limit: int = 14) -> list[ResumptionReport]:
    """The employer's latest reports, newest first."""
    return list(
        session.scalars(
            sa.select(ResumptionReport)
            .where(ResumptionReport.employer_id == employer.id)
            .order_by(ResumptionReport.report_date.desc())
            .limit(limit)
        )
    )


def with_latest_report(employers: sa.Select, limit: int | None = None) -> sa.Select:
    """EMPLOYERS (a SELECT of Employer) that have reported, each with its latest report, by
    name; LIMIT of them (a page), or all."""
    latest = (
        sa.select(
            ResumptionReport.employer_id, sa.func.max(ResumptionReport.report_date).label("day")
        )
        .group_by(ResumptionReport.employer_id)
        .subquery()
    )
    return (
        employers.join(latest, latest.c.employer_id == Employer.id)
        .join(
            ResumptionReport,
            sa.and_(
                ResumptionReport.employer_id == Employer.id,
                ResumptionReport.report_date == latest.c.day,
            ),
        )
        .add_columns(ResumptionReport)
        .order_by(Employer.name)
        .limit(limit)
    )
