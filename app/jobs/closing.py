"""Closing a posting that people are waiting on: who it affects, and telling them.

An employer's close (and a repost, which closes the original) ends the hiring for that
posting. The candidates of its open applications are told (`job_closed`), and its planned
interviews (proposed or scheduled) are cancelled through `app.interviews.service.cancel`,
which tells the candidate and closes the video room; a colleague who set up one of them is
told too. Applications keep their stage (an offer may still be honoured): the candidate's
pages say the job is closed beside it, and the job page stays readable to them.

Officials who uphold a fraud report and take the posting down (`reports.resolve` calls
`take_down`) reach the same people with a warning: the candidates hear that the posting was
removed after the officials' review and are asked to pay no fees and hand over no documents
for it (`job_taken_down`), and the interviews are cancelled with that reason, which
`interviews.cancel` tells the employer's members and this module tells each candidate.

A posting closed by its apply-by date (`service.close_expired`) only stops taking
applications: the employer is still choosing among those who applied, so nobody is told and
interviews stand.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import String, cast, exists, select

from app.applications.service import WITHDRAWABLE
from app.database import lock
from app.extensions import db
from app.interviews import service as interviews
from app.jobs import service
from app.models import (
    Application,
    AuditEntry,
    Interview,
    InterviewStatus,
    Job,
    JobReport,
    JobStatus,
    User,
)
from app.notifications.service import notify

PLANNED = (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED)


@dataclass(frozen=True)
class News:
    """What the people a close affects hear: the candidates' notification and the reason
    (a code of `app.labels.CANCEL_REASONS`, said in each reader's language) given for each
    cancelled interview."""

    kind: str
    reason: str


CLOSED = News("job_closed", "job_closed")
TAKEN_DOWN = News("job_taken_down", "job_taken_down")


@dataclass(frozen=True)
class Affected:
    """What closing a posting touches: its open applications and planned interviews."""

    applications: list[Application]
    interviews: list[Interview]


def hiring_ended(job: Job) -> bool:
    """Whether JOB's hiring is over: closed by its employer (or a repost) or taken down by
    the officials. A job closed by its apply-by date only stopped taking applications: its
    employer still chooses among those who applied, and may still interview them. The close's
    audit entry, committed with it, says which."""
    if job.status != JobStatus.CLOSED:
        return False
    expired = select(AuditEntry.id).where(
        AuditEntry.action == "job.expire",
        AuditEntry.object_type == Job.__tablename__,
        AuditEntry.object_id == str(job.id),
    )
    return not db.session.scalar(select(exists(expired)))


def taken_down(job: Job) -> bool:
    """Whether the officials took JOB down, upholding a fraud report on it: its candidates
    are then warned on its pages as they were told (`job_taken_down`). The report's decision
    says so in its audit entry (`reports.resolve`: closed_job)."""
    if job.status != JobStatus.CLOSED:
        return False
    decisions = db.session.scalars(
        select(AuditEntry.data).where(
            AuditEntry.action == "job.report_upheld",
            AuditEntry.object_type == JobReport.__tablename__,
            AuditEntry.object_id.in_(
                select(cast(JobReport.id, String)).where(JobReport.job_id == job.id)
            ),
        )
    )
    return any(data.get("closed_job") for data in decisions)


def affected(job: Job) -> Affected:
    applications = db.session.scalars(
        select(Application)
        .where(Application.job_id == job.id, Application.stage.in_(WITHDRAWABLE))
        .order_by(Application.id)
    ).all()
    planned = db.session.scalars(
        select(Interview)
        .join(Application, Interview.application_id == Application.id)
        .where(Application.job_id == job.id, Interview.status.in_(PLANNED))
        .order_by(Interview.id)
    ).all()
    return Affected(list(applications), list(planned))


def close(job: Job, user: User) -> Affected:
    """Close JOB for its employer (USER, a member) and tell those it affects."""
    service.change_status(job, "close", user)
    return tell(job, user)


def repost(job: Job, user: User) -> Job:
    """Repost JOB (`service.repost`); when that closes a posting still open, as `close`."""
    was_open = job.status in service.OPEN
    copy = service.repost(job, user)
    if was_open:
        tell(job, user)
    return copy


def take_down(job: Job, official: User) -> Affected | None:
    """Close JOB for OFFICIAL, who upheld a report on it, and warn those it affects; None
    when it was closed already (its people were told then)."""
    lock(db.session, job)  # the employer closing it at the same time: one of them tells
    if job.status == JobStatus.CLOSED:
        return None
    job.status = JobStatus.CLOSED
    return tell(job, official, TAKEN_DOWN)


def tell(job: Job, actor: User, news: News = CLOSED) -> Affected:
    """Cancel JOB's planned interviews and tell the candidates of its open applications."""
    found = affected(job)
    for interview in found.interviews:
        cancel(interview, actor, news)
    for application in found.applications:
        notify(
            application.candidate,
            news.kind,
            url_for("applications.mine_detail", application_id=application.id),
            job=job.title,
            employer=job.employer.name,
        )
    return found


def cancel(interview: Interview, actor: User, news: News) -> None:
    """Cancel INTERVIEW with NEWS's reason. `interviews.cancel` tells the other side than
    ACTOR's: the candidate when a member cancels, the members when an official does. This
    tells the one it leaves out: the colleague who set the interview up, or the candidate."""
    candidate = interview.application.candidate
    setter = db.session.get(User, interview.created_by_id) if interview.created_by_id else None
    left_out = setter if interviews.is_interviewer(actor, interview) else candidate
    interviews.cancel(interview, actor, reason=news.reason)
    if left_out is not None and left_out.id != actor.id:
        notify(
            left_out,
            "interview_cancelled",
            url_for("interviews.interview", interview_id=interview.id),
            **interviews.cancel_params(interview, actor),
        )
