"""What a signed-in person should do next, per role: the home page shows these instead of
the sign-up pitch. Each step is a sentence, a link and, when it counts something, the count;
the queries are counts on indexed columns, read-only (GET never writes)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.dashboards.scope import Scope
from app.employers.review import queue_query
from app.extensions import db
from app.models import (
    Application,
    ClaimStatus,
    Interview,
    InterviewStatus,
    Invitation,
    Job,
    JobStatus,
    Resume,
    Role,
    Stage,
    SubsidyClaim,
    User,
    VerificationState,
)
from app.models.base import utcnow


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    urgent: bool = False


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _upcoming_interviews(where) -> int:
    return _count(
        sa.select(Interview.id)
        .join(Application, Application.id == Interview.application_id)
        .where(
            where, Interview.status == InterviewStatus.SCHEDULED, Interview.starts_at >= utcnow()
        )
    )


def for_seeker(user: User) -> list[Step]:
    steps = []
    has_resume = db.session.scalar(sa.select(Resume.id).where(Resume.user_id == user.id).limit(1))
    if not has_resume:
        steps.append(
            Step(
                _("Write your résumé: employers find you and jobs match you"),
                url_for("resumes.edit"),
                True,
            )
        )
    invitations = _count(
        sa.select(Invitation.id).where(
            Invitation.candidate_id == user.id, Invitation.responded_at.is_(None)
        )
    )
    if invitations:
        steps.append(
            Step(
                ngettext(
                    "Answer %(num)d invitation from an employer",
                    "Answer %(num)d invitations from employers",
                    invitations,
                ),
                url_for("applications.invitations"),
                True,
            )
        )
    interviews = _upcoming_interviews(Application.candidate_id == user.id)
    if interviews:
        steps.append(
            Step(
                ngettext(
                    "You have %(num)d interview coming up",
                    "You have %(num)d interviews coming up",
                    interviews,
                ),
                url_for("applications.mine"),
                True,
            )
        )
    active = _count(
        sa.select(Application.id).where(
            Application.candidate_id == user.id,
            Application.stage.not_in([Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED]),
        )
    )
    if active:
        steps.append(
            Step(
                ngettext(
                    "Follow %(num)d application in progress",
                    "Follow %(num)d applications in progress",
                    active,
                ),
                url_for("applications.mine"),
            )
        )
    steps.append(Step(_("See the jobs recommended for you"), url_for("ranking.recommendations")))
    steps.append(Step(_("Browse the online job fairs"), url_for("fairs.index")))
    return steps


def for_employer(user: User) -> list[Step]:
    membership = user.membership
    if membership is None:
        return [Step(_("Register your company to post jobs"), url_for("employers.dashboard"), True)]
    employer = membership.employer
    steps = []
    if employer.verification_state in (VerificationState.DRAFT, VerificationState.RETURNED):
        steps.append(
            Step(
                _(
                    "Submit your company documents for verification: jobs are public once it is verified"
                ),
                url_for("employers.dashboard"),
                True,
            )
        )
    elif employer.verification_state == VerificationState.SUBMITTED:
        steps.append(
            Step(
                _("Your documents are under review by the region's officials"),
                url_for("employers.dashboard"),
            )
        )
    jobs = sa.select(Job.id).where(Job.employer_id == employer.id)
    if not _count(jobs.where(Job.status == JobStatus.PUBLISHED)):
        steps.append(Step(_("Post your first job"), url_for("employers.dashboard"), True))
    new = _count(
        sa.select(Application.id)
        .join(Job, Job.id == Application.job_id)
        .where(Job.employer_id == employer.id, Application.stage == Stage.NEW)
    )
    if new:
        steps.append(
            Step(
                ngettext("Review %(num)d new applicant", "Review %(num)d new applicants", new),
                url_for("applications.jobs"),
                True,
            )
        )
    interviews = _upcoming_interviews(
        Application.job_id.in_(sa.select(Job.id).where(Job.employer_id == employer.id))
    )
    if interviews:
        steps.append(
            Step(
                ngettext("%(num)d interview coming up", "%(num)d interviews coming up", interviews),
                url_for("applications.jobs"),
            )
        )
    steps.append(Step(_("Find candidates and invite them to apply"), url_for("resumes.search")))
    return steps


def for_official(user: User) -> list[Step]:
    if user.role == Role.OFFICIAL and not user.region_code:
        return []  # an official no administrator has given a region yet sees nothing
    scope = Scope.of(user)
    steps = []
    reviews = _count(queue_query(scope.root))
    if reviews:
        steps.append(
            Step(
                ngettext(
                    "Review %(num)d company waiting for verification",
                    "Review %(num)d companies waiting for verification",
                    reviews,
                ),
                url_for("employers.reviews"),
                True,
            )
        )
    claims = _count(scope.claims().where(SubsidyClaim.status == ClaimStatus.CLAIMED))
    if claims:
        steps.append(
            Step(
                ngettext("Decide %(num)d subsidy claim", "Decide %(num)d subsidy claims", claims),
                url_for("subsidies.manage"),
                True,
            )
        )
    steps.append(Step(_("See your region's figures"), url_for("dashboards.home")))
    steps.append(Step(_("Run an online job fair"), url_for("fairs.fair_list")))
    return steps


def next_steps(user: User) -> list[Step]:
    if user.role == Role.SEEKER:
        return for_seeker(user)
    if user.role == Role.EMPLOYER:
        return for_employer(user)
    return for_official(user)
