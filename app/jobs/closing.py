"""An employer closing a posting: who it affects, and telling them.

An employer's close (and a repost, which closes the original) ends the hiring for that
posting. The candidates of its open applications are told (`job_closed`), and its planned
interviews (proposed or scheduled) are cancelled through `app.interviews.service.cancel`,
which tells the candidate and closes the video room; a colleague who set up one of them is
told too. Applications keep their stage (an offer may still be honoured): the candidate's
pages say the job is closed beside it, and the job page stays readable to them.

A posting closed by its apply-by date (`service.close_expired`) only stops taking
applications: the employer is still choosing among those who applied, so nobody is told and
interviews stand. A report upheld by officials (`reports.resolve`) is theirs to handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.applications.service import WITHDRAWABLE
from app.extensions import db
from app.interviews import service as interviews
from app.jobs import service
from app.models import Application, Interview, InterviewStatus, Job, User
from app.notifications.service import notify

PLANNED = (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED)


@dataclass(frozen=True)
class Affected:
    """What closing a posting touches: its open applications and planned interviews."""

    applications: list[Application]
    interviews: list[Interview]


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


def tell(job: Job, user: User) -> Affected:
    """Cancel JOB's planned interviews and tell the candidates of its open applications."""
    found = affected(job)
    for interview in found.interviews:
        interviews.cancel(interview, user, closed_reason(interview.application.candidate))
        setter = db.session.get(User, interview.created_by_id) if interview.created_by_id else None
        if setter is not None and setter.id != user.id:
            notify(
                setter,
                "interview_cancelled",
                url_for("interviews.interview", interview_id=interview.id),
                job=job.title,
                by=user.name,
                reason=closed_reason(setter),
            )
    for application in found.applications:
        notify(
            application.candidate,
            "job_closed",
            url_for("applications.mine_detail", application_id=application.id),
            job=job.title,
            employer=job.employer.name,
        )
    return found


def closed_reason(reader: User) -> str:
    """The cancellation's reason in READER's language: a reason is stored as written."""
    with force_locale(reader.locale or "zh"):
        return _("The job was closed.")
