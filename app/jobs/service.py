"""An employer's job postings: their life cycle and the rules that guard it.

    draft --publish--> published <--resume/pause--> paused;  any open state --close--> closed
    repost: closes the posting and copies it as a new one with fresh dates

Only verified employers publish, and a second open posting with the same title in the
same region is a likely duplicate: `duplicates()` finds them, the caller asks to confirm.
"""

from __future__ import annotations

import re
import unicodedata

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.employers.review import officials_for
from app.extensions import db
from app.models import Employer, Job, JobReport, JobStatus, ReportStatus, User, in_subtree, utcnow
from app.notifications.service import notify

OPEN = frozenset({JobStatus.DRAFT, JobStatus.PUBLISHED, JobStatus.PAUSED})

TRANSITIONS = {
    "publish": ({JobStatus.DRAFT}, JobStatus.PUBLISHED),
    "pause": ({JobStatus.PUBLISHED}, JobStatus.PAUSED),
    "resume": ({JobStatus.PAUSED}, JobStatus.PUBLISHED),
    "close": (set(OPEN), JobStatus.CLOSED),
}

# The fields a repost copies; dates, status and ids are fresh.
COPIED = (
    "title",
    "description",
    "category",
    "skills",
    "salary_min",
    "salary_max",
    "salary_period",
    "employment_type",
    "headcount",
    "region_code",
    "remote",
    "screening_questions",
    "min_experience_years",
    "education_level",
)

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


class JobError(Exception):
    """The job change is not possible now; the message says why."""


def normalise_title(title: str) -> str:
    """'Java 开发工程师（急招）!' and 'java开发工程师(急招)' compare equal."""
    folded = unicodedata.normalize("NFKC", title or "").casefold()
    return _PUNCTUATION.sub("", folded)


def duplicates(
    employer_id: int, title: str, region_code: str, exclude_id: int | None = None
) -> list[Job]:
    """The employer's open postings with the same normalised title in the same region."""
    key = normalise_title(title)
    candidates = db.session.scalars(
        select(Job).where(
            Job.employer_id == employer_id,
            Job.region_code == region_code,
            Job.status.in_(OPEN),
            Job.id != (exclude_id or 0),
        )
    )
    return [job for job in candidates if normalise_title(job.title) == key]


def ensure_can_publish(employer: Employer) -> None:
    if not employer.verified:
        raise JobError(
            _l(
                "Jobs are published once your company documents are approved. Submit them for review first."
            )
        )


def save(job: Job, user: User, confirmed_duplicate: bool = False) -> list[Job]:
    """Add or update JOB (already filled in). Returns the duplicates when not confirmed and
    leaves the session unchanged in that case; returns [] once saved."""
    found = duplicates(job.employer_id, job.title, job.region_code, exclude_id=job.id)
    if found and not confirmed_duplicate:
        return found
    if job.status == JobStatus.PUBLISHED:
        ensure_can_publish(db.session.get(Employer, job.employer_id))
        job.published_at = job.published_at or utcnow()
    creating = job.id is None
    if creating:
        job.created_by_id = user.id
        db.session.add(job)
    db.session.flush()
    audit.record(
        "job.create" if creating else "job.update",
        job,
        actor=user,
        duplicate_of=[j.id for j in found],
    )
    return []


def change_status(job: Job, action: str, user: User) -> None:
    if action not in TRANSITIONS:
        raise JobError(_l("Unknown action."))
    sources, target = TRANSITIONS[action]
    if job.status not in sources:
        raise JobError(_l("This job cannot be changed that way in its current state."))
    if target == JobStatus.PUBLISHED:
        ensure_can_publish(job.employer)
        job.published_at = job.published_at if action == "resume" else utcnow()
    previous = job.status
    job.status = target
    audit.record(f"job.{action}", job, actor=user, previous=previous.value)


def repost(job: Job, user: User) -> Job:
    """Close JOB and copy it as a new posting: published now if the employer may publish
    and JOB was live, otherwise a draft to review first."""
    copy = Job(employer_id=job.employer_id, created_by_id=user.id, deadline=None)
    for name in COPIED:
        value = getattr(job, name)
        setattr(copy, name, list(value) if isinstance(value, list) else value)
    live = job.status in (JobStatus.PUBLISHED, JobStatus.PAUSED) and job.employer.verified
    copy.status = JobStatus.PUBLISHED if live else JobStatus.DRAFT
    copy.published_at = utcnow() if live else None
    if job.status != JobStatus.CLOSED:
        job.status = JobStatus.CLOSED
    db.session.add(copy)
    db.session.flush()
    audit.record("job.repost", copy, actor=user, original_id=job.id)
    return copy


class ReportError(Exception):
    """The report or decision is not possible; the message says why."""


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
    if item.status != ReportStatus.OPEN:
        raise ReportError(_l("This report was already decided."))
    item.status = ReportStatus.UPHELD if uphold else ReportStatus.DISMISSED
    item.resolved_by_id = official.id
    item.resolved_at = utcnow()
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


def open_reports_query(region_code: str):
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


REASONS = {
    "fake_employer": _l("The employer is not who it claims to be"),
    "fees": _l("Asks candidates for money or deposits"),
    "misleading": _l("Pay or conditions are misleading"),
    "personal_data": _l("Asks for ID, bank or other personal data up front"),
    "other": _l("Something else"),
}
