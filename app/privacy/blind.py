"""Blind screening: an employer that turns it on sees applicants without name, contact
details and personal traits until it shortlists them (moves them to interview or beyond),
so the first screening judges skills and experience only. Our profiles hold no photo, age
or gender; the name and the contact details are what identify a person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Application, Stage

BLIND_STAGES = frozenset({Stage.NEW, Stage.SCREENING})
"""Stages before the shortlist, in which a blind employer does not see who applied."""


def identity_hidden(application: Application) -> bool:
    return (
        bool(application.job.employer.blind_screening) and Stage(application.stage) in BLIND_STAGES
    )


def candidate_name(application: Application) -> str:
    """The applicant's name, or an anonymous label while blind screening hides it."""
    if identity_hidden(application):
        return str(_l("Applicant #%(n)s", n=application.id))
    return application.candidate.name
