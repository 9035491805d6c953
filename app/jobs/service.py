"""An employer's job postings: their life cycle and the rules that guard it.

    draft --publish--> published <--resume/pause--> paused;  any open state --close--> closed
    repost: closes the posting and copies it as a new one with fresh dates
    the day after its apply-by date, a published or paused posting closes itself

Only verified employers publish, and a second open posting with the same title in the
same region is a likely duplicate: `duplicates()` finds them, the caller asks to confirm.
Nothing is published with an apply-by date that is over.
Fraud reports against postings are in `app.jobs.reports`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, clock
from app.database import lock
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, EmploymentType, Job, JobStatus, SalaryPeriod, User, utcnow
from app.models.jobs import MONTHLY_FACTOR

OPEN = frozenset({JobStatus.DRAFT, JobStatus.PUBLISHED, JobStatus.PAUSED})
LIVE = frozenset({JobStatus.PUBLISHED, JobStatus.PAUSED})

TRANSITIONS = {
    "publish": ({JobStatus.DRAFT}, JobStatus.PUBLISHED),
    "pause": ({JobStatus.PUBLISHED}, JobStatus.PAUSED),
    "resume": ({JobStatus.PAUSED}, JobStatus.PUBLISHED),
    "close": (set(OPEN), JobStatus.CLOSED),
}

POSTING_FIELDS = (
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
    "deadline",
    "screening_questions",
    "min_experience_years",
    "education_level",
)
"""What an employer writes in a posting (the form, the API, a repost copies them);
status, dates and ids are the app's."""

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)

MONTHLY_SALARY_FLOOR = 500
"""The least a posting may offer a month, or as much over its period (¥3 an hour, ¥23 a day,
¥6,000 a year): far below any minimum wage, so internships and part-time pay pass, while ¥0 or
a "5" typed for ¥5,000 is refused."""

_TOO_LOW = {
    SalaryPeriod.HOUR: _l("The hourly wage cannot be below ¥%(amount)s."),
    SalaryPeriod.DAY: _l("The daily wage cannot be below ¥%(amount)s."),
    SalaryPeriod.MONTH: _l("The monthly salary cannot be below ¥%(amount)s."),
    SalaryPeriod.YEAR: _l("The yearly salary cannot be below ¥%(amount)s."),
}


class JobError(DomainError):
    """The job change is not possible now (409); the message says why."""


def fill(job: Job, values: Mapping[str, Any]) -> None:
    """Set the posting fields VALUES has (others are ignored) on JOB, in their stored types."""
    for name in POSTING_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "title":
            value = value.strip()
        elif name == "description":
            value = value or ""
        elif name == "salary_period":
            value = SalaryPeriod(value)
        elif name == "employment_type":
            value = EmploymentType(value)
        elif isinstance(value, list):
            value = list(value)  # never share a list between two postings
        setattr(job, name, value)


def salary_floor(period: SalaryPeriod | str) -> int:
    """`MONTHLY_SALARY_FLOOR` over PERIOD, in whole yuan."""
    return math.ceil(round(MONTHLY_SALARY_FLOOR / MONTHLY_FACTOR[SalaryPeriod(period)], 6))


def salary_too_low(amount: int | None, period: SalaryPeriod | str) -> str | None:
    """Why AMOUNT, a salary's lower bound, is refused for PERIOD; None when it is not."""
    floor = salary_floor(period)
    if amount is None or amount >= floor:
        return None
    return str(_TOO_LOW[SalaryPeriod(period)] % {"amount": f"{floor:,}"})


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


def deadline_passed(deadline: date | None) -> bool:
    """The apply-by day (inclusive, Beijing time) is over."""
    return deadline is not None and deadline < clock.today()


def ensure_deadline_open(job: Job) -> None:
    if deadline_passed(job.deadline):
        raise JobError(_l("The apply-by date is over. Choose a later date first."), 422)


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
        ensure_deadline_open(job)
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


def close_expired() -> int:
    """Close the published and paused jobs whose apply-by day is over; returns how many.
    Closing takes them out of search, recommendations and applying, as an employer's own close
    does (drafts stay: they cannot be published with a past date)."""
    expired = db.session.scalars(
        select(Job)
        .where(Job.status.in_(LIVE), Job.deadline < clock.today())
        .with_for_update(of=Job)
    ).all()
    for job in expired:
        previous = job.status
        job.status = JobStatus.CLOSED
        audit.record("job.expire", job, previous=previous.value, deadline=job.deadline.isoformat())
    return len(expired)


def change_status(job: Job, action: str, user: User) -> None:
    if action not in TRANSITIONS:
        raise JobError(_l("Unknown action."))
    sources, target = TRANSITIONS[action]
    lock(db.session, job)  # two colleagues at once: the second sees the first's change
    if job.status not in sources:
        raise JobError(_l("This job cannot be changed that way in its current state."))
    if target == JobStatus.PUBLISHED:
        ensure_can_publish(job.employer)
        ensure_deadline_open(job)
        job.published_at = job.published_at if action == "resume" else utcnow()
    previous = job.status
    job.status = target
    audit.record(f"job.{action}", job, actor=user, previous=previous.value)


def repost(job: Job, user: User) -> Job:
    """Close JOB and copy it as a new posting: published now if the employer may publish
    and JOB was live, otherwise a draft to review first."""
    copy = Job(employer_id=job.employer_id, created_by_id=user.id)
    fill(copy, {name: getattr(job, name) for name in POSTING_FIELDS if name != "deadline"})
    live = job.status in (JobStatus.PUBLISHED, JobStatus.PAUSED) and job.employer.verified
    copy.status = JobStatus.PUBLISHED if live else JobStatus.DRAFT
    copy.published_at = utcnow() if live else None
    if job.status != JobStatus.CLOSED:
        job.status = JobStatus.CLOSED
    db.session.add(copy)
    db.session.flush()
    audit.record("job.repost", copy, actor=user, original_id=job.id)
    return copy
