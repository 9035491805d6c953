"""Fraud reports (举报) against job postings, and officials' decisions on them.

Anyone who can see a public job may report it (a person again only once their open report
is decided); the officials of the employer's region are told, and uphold (optionally closing
the job) or dismiss it. An upheld report also ends the employer's fast track
(app.employers.review.TRUSTED).

The whole feature: the model `JobReport` (app/models/jobs.py), these rules, `ReportForm` and
`ReportDecisionForm` (app/jobs/forms.py), and the two pages in app/jobs/routes.py (the report
form and the officials' queue), with their templates jobs/report.html and jobs/reports.html.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app import audit
from app.database import update_if
from app.employers.review import officials_for
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, Job, JobReport, JobStatus, ReportStatus, User, in_subtree, utcnow
from app.notifications.service import notify

REASONS = {
    "fake_employer": _l("The employer is not who it claims to be"),
    "fees": _l("Asks candidates for money or deposits"),
    "misleading": _l("Pay or conditions are misleading"),
    "personal_data": _l("Asks for ID, bank or other personal data up front"),
    "other": _l("Something else"),
}


class ReportError(DomainError):
    """The report or decision is not possible now (409); the message says why."""


def report(job: Job, reporter: User | None, reason: str, details: str = "") -> JobReport:
    if reason not in REASONS:
        raise ReportError(_l("Choose a reason."))
    if reporter is not None:
        already = db.session.scalar(
            select(JobReport.id).where(
                JobReport.job_id == job.id,
                JobReport.reporter_id == reporter.id,
                JobReport.status == ReportStatus.OPEN,
            )
        )
        if already:
            raise ReportError(_l("You already reported this job; officials are looking into it."))
    item = JobReport(
        job_id=job.id,
        reporter_id=getattr(reporter, "id", None),
        reason=reason,
        details=details.strip()[:2000],
    )
    db.session.add(item)
    db.session.flush()
    audit.record("job.report", item, actor=reporter, job_id=job.id, reason=reason)
    link = url_for("jobs.reports")
    for official in officials_for(job.employer.region_code):
        notify(official, "job_reported", link, email=False, job=job.title)
    return item


def resolve(item: JobReport, official: User, uphold: bool, close_job: bool = False) -> None:
    """Decide an open report. The caller has checked the official's region."""
    decision = ReportStatus.UPHELD if uphold else ReportStatus.DISMISSED
    if not update_if(
        db.session,
        item,
        JobReport.status == ReportStatus.OPEN,  # two officials at once: one decides
        status=decision,
        resolved_by_id=official.id,
        resolved_at=utcnow(),
    ):
        raise ReportError(_l("This report was already decided."))
    closed = False
    if uphold and close_job and item.job.status != JobStatus.CLOSED:
        item.job.status = JobStatus.CLOSED
        closed = True
    audit.record(
        f"job.report_{item.status.value}",
        item,
        actor=official,
        job_id=item.job_id,
        closed_job=closed,
    )


def open_reports_query(region_code: str) -> Select:
    """Open reports on jobs of employers under REGION_CODE ('' = everywhere), oldest first."""
    query = (
        select(JobReport)
        .join(Job, JobReport.job_id == Job.id)
        .join(Employer, Job.employer_id == Employer.id)
        .where(JobReport.status == ReportStatus.OPEN)
    )
    if region_code:
        query = query.where(in_subtree(Employer.region_code, region_code))
    return query.order_by(JobReport.created_at, JobReport.id)
