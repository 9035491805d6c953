"""Blind screening: an employer that turns it on sees applicants without name, contact
details and personal traits until it shortlists them (moves them to interview or beyond),
so the first screening judges skills and experience only. Our profiles hold no photo, age
or gender; the name and the contact details are what identify a person."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Application, Conversation, Job, Stage, StageChange

SHORTLIST = frozenset({Stage.INTERVIEW, Stage.OFFER, Stage.HIRED})
"""Stages that reveal the applicant: reached once, the employer knows who it is."""
ENDED = frozenset({Stage.REJECTED, Stage.WITHDRAWN})
"""Stages that reveal only an applicant who reached SHORTLIST before: rejecting someone
unseen (and moving them back) must not show who they were."""


def _reached_shortlist(application_id) -> sa.Exists:
    return (
        sa.select(StageChange.id)
        .where(
            StageChange.application_id == application_id,
            StageChange.to_stage.in_(SHORTLIST),
        )
        .exists()
    )


def identity_hidden(application: Application) -> bool:
    if not application.job.employer.blind_screening:
        return False
    stage = Stage(application.stage)
    if stage in ENDED:
        return not db.session.scalar(sa.select(_reached_shortlist(application.id)))
    return stage not in SHORTLIST


def shortlisted_candidates(employer_id: int) -> sa.Select:
    """SQL: the candidates EMPLOYER_ID shortlisted for any of its jobs, whose name and
    contacts it sees even while it screens blind (`contact_visible` asks about one résumé,
    a page of résumé search results about all of them at once)."""
    return (
        sa.select(Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .where(
            Job.employer_id == employer_id,
            sa.or_(
                Application.stage.in_(SHORTLIST),
                sa.and_(Application.stage.in_(ENDED), _reached_shortlist(Application.id)),
            ),
        )
    )


def candidate_name(application: Application) -> str:
    """The applicant's name, or an anonymous label while blind screening hides it."""
    if identity_hidden(application):
        return str(_l("Applicant #%(n)s", n=application.id))
    return application.candidate.name


def conversation_hides_candidate(conversation: Conversation) -> bool:
    """A blind employer talks to a candidate it has not shortlisted for any of its jobs
    without their name (the chat opened from a pipeline must not undo the screening)."""
    if not conversation.employer.blind_screening:
        return False
    shortlisted = shortlisted_candidates(conversation.employer_id).where(
        Application.candidate_id == conversation.candidate_id
    )
    return not db.session.scalar(sa.select(shortlisted.exists()))


def conversation_candidate_name(conversation: Conversation) -> str:
    """The candidate's name as the employer's side sees it: the application's label while
    blind screening hides it (a conversation without an application has its own)."""
    if not conversation_hides_candidate(conversation):
        return conversation.candidate.name
    application_id = db.session.scalar(
        sa.select(Application.id).where(
            Application.job_id == conversation.job_id,
            Application.candidate_id == conversation.candidate_id,
        )
    )
    if application_id is not None:
        return str(_l("Applicant #%(n)s", n=application_id))
    return str(_l("Candidate in conversation #%(n)s", n=conversation.id))
