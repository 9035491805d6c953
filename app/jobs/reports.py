"""Fraud reports (举报) against job postings, and officials' decisions on them.

Anyone who can see a public job may report it (a person again only once their open report
is decided); the officials of the employer's region are told, and uphold (optionally closing
the job) or dismiss it. An upheld report also ends the employer's fast track
(app.employers.review.TRUSTED); taking the job down with it warns its candidates, cancels its
planned interviews and tells the employer (app/jobs/closing.py).

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
from app.jobs import closing
from app.labels import REPORT_REASONS as REASONS
from app.models import Employer, Job, JobReport, ReportStatus, User, in_subtree, utcnow
from app.notifications.service import notify


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


def resolve(
    item: JobReport, official: User, uphold: bool, close_job: bool = False
) -> closing.Affected | None:
    """Decide an open report. The caller has checked the official's region. Upholding it
    with CLOSE_JOB takes the job down (`closing.take_down`): its candidates are warned, its
    planned interviews cancelled and the employer's members told; returns whom it affected,
    None when no job was taken down."""
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
    taken_down = closing.take_down(item.job, official) if uphold and close_job else None
    if taken_down is not None:
        tell_employer(item)
    audit.record(
        f"job.report_{item.status.value}",
        item,
        actor=official,
        job_id=item.job_id,
        closed_job=taken_down is not None,
    )
    return taken_down


def tell_employer(item: JobReport) -> None:
    """Tell the members of the employer whose job ITEM's decision took down, and why."""
    job = item.job
    for member in job.employer.members:
        notify(
            member.user,
            "posting_taken_down",
            url_for("jobs.detail", job_id=job.id),
            job=job.title,
            reason=item.reason,  # the code: each member reads it in their language
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
