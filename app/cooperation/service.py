"""Labor cooperation (劳务协作): agreements between regions, and promoting partner jobs.

An agreement binds both regions, so both must agree to it: an official whose region covers
only one end proposes it, and it is in force once an official of the other end accepts
(one who covers both ends, or an administrator, makes it in force at once). Either side
ends an agreement in force; the proposing side withdraws a proposal not yet answered.

``partner_jobs`` is what other pages call to show a candidate "jobs from our partner
regions": public jobs in the destinations of agreements in force whose origin covers the
candidate's home region.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app import audit, clock
from app.dashboards import tasks as dashboard_tasks
from app.dashboards.scope import Scope
from app.database import update_if
from app.employers.review import officials_for
from app.errors import DomainError
from app.models import (
    AgreementStatus,
    CooperationAgreement,
    Employer,
    Job,
    Role,
    User,
    in_subtree,
    utcnow,
)
from app.notifications.service import notify

if TYPE_CHECKING:
    from app.cooperation.forms import AgreementForm


class AgreementError(DomainError):
    """An answer or an end the agreement's state or the official's region does not allow."""


def create(session: Session, official: User, form: AgreementForm) -> CooperationAgreement:
    """A new agreement from the official's form (the caller has checked one end is in scope):
    in force at once when the official covers both ends, else a proposal to the other end,
    whose officials are told. The dashboards' flows are recomputed after the commit."""
    agreement = CooperationAgreement(created_by_id=official.id)
    form.populate_obj(agreement)
    scope = Scope.of(official)
    if scope.covers(agreement.origin_code) and scope.covers(agreement.destination_code):
        agreement.status = AgreementStatus.ACTIVE
        agreement.answered_by_id, agreement.answered_at = official.id, utcnow()
    else:
        agreement.status = AgreementStatus.PROPOSED
        agreement.awaiting_code = (
            agreement.origin_code
            if scope.covers(agreement.destination_code)
            else agreement.destination_code
        )
    session.add(agreement)
    session.flush()
    audit.record("cooperation.create", agreement, status=agreement.status.value)
    if agreement.awaiting_code:
        for other in officials_for(agreement.awaiting_code):
            notify(
                other,
                "cooperation_proposed",
                _board_link(agreement.awaiting_code),
                email=False,
                **_ends(agreement),
            )
    dashboard_tasks.refresh_after_commit()
    return agreement


def actions(agreement: CooperationAgreement, scope: Scope) -> list[str]:
    """What an official with SCOPE (the whole region, not a drilled-down focus) may do now."""
    if agreement.status == AgreementStatus.PROPOSED:
        if scope.covers(agreement.awaiting_code):
            return ["accept", "decline"]
        if scope.covers(_proposing_code(agreement)):
            return ["withdraw"]
    if agreement.status == AgreementStatus.ACTIVE and (
        scope.covers(agreement.origin_code) or scope.covers(agreement.destination_code)
    ):
        return ["end"]
    return []


ACTIONS = {
    "accept": AgreementStatus.ACTIVE,
    "decline": AgreementStatus.DECLINED,
    "withdraw": AgreementStatus.WITHDRAWN,
    "end": AgreementStatus.ENDED,
}


def act(session: Session, official: User, agreement: CooperationAgreement, action: str) -> None:
    """Apply ACTION (a key of ACTIONS) for OFFICIAL and tell the other side's signatories.

    The change is conditional on the state the official saw, so of two officials acting at
    once (an acceptance and a withdrawal) only the first counts."""
    if action not in actions(agreement, Scope.of(official)):
        raise AgreementError(_refusal(agreement))
    who, when = (
        ("answered_by_id", "answered_at")
        if action in ("accept", "decline")
        else ("ended_by_id", "ended_at")
    )
    if not update_if(
        session,
        agreement,
        CooperationAgreement.status == agreement.status,
        status=ACTIONS[action],
        **{who: official.id, when: utcnow()},
    ):
        raise AgreementError(_("This agreement changed meanwhile: see its state now."))
    audit.record(f"cooperation.{action}", agreement, actor=official)
    for user in _told(session, official, agreement, action):
        notify(
            user,
            f"cooperation_{action}",
            _board_link(user.region_code or ""),
            email=False,
            **_ends(agreement),
        )
    dashboard_tasks.refresh_after_commit()


def _told(
    session: Session, official: User, agreement: CooperationAgreement, action: str
) -> list[User]:
    """Who hears of ACTION: the region a withdrawn proposal waited for, else the other
    signatory (the author of the proposal, the official who accepted it)."""
    if action == "withdraw":
        return officials_for(agreement.awaiting_code)
    ids = {agreement.created_by_id, agreement.answered_by_id} - {official.id, None}
    return list(session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))))


def _refusal(agreement: CooperationAgreement) -> str:
    if agreement.status == AgreementStatus.PROPOSED:
        return _("Only the officials of the region this proposal waits for can answer it.")
    if agreement.status == AgreementStatus.ACTIVE:
        return _("Only the officials of the agreement's two regions can end it.")
    return _("This agreement is no longer open to changes.")


def _proposing_code(agreement: CooperationAgreement) -> str:
    """The end that proposed AGREEMENT (the one not awaited)."""
    if agreement.awaiting_code == agreement.origin_code:
        return agreement.destination_code
    return agreement.origin_code


def _ends(agreement: CooperationAgreement) -> dict[str, str]:
    return {"origin": agreement.origin_code, "destination": agreement.destination_code}


def _board_link(region_code: str) -> str:
    return url_for("dashboards.board", board="cooperation", region=region_code or None)


def in_force(today: date) -> sa.ColumnElement[bool]:
    """Agreements both sides agreed to, not ended, whose dates hold TODAY."""
    return sa.and_(
        CooperationAgreement.status == AgreementStatus.ACTIVE,
        CooperationAgreement.starts_on <= today,
        CooperationAgreement.ends_on >= today,
    )


def active_agreements_from(
    session: Session, region_code: str, today: date | None = None
) -> list[CooperationAgreement]:
    """Agreements in force whose origin covers REGION_CODE."""
    agreements = session.scalars(
        sa.select(CooperationAgreement).where(in_force(today or clock.today()))
    ).all()
    return [a for a in agreements if region_code.startswith(a.origin_code)]


def partner_jobs(session: Session, candidate: User, limit: int = 6) -> list[Job]:
    """Newest public jobs in partner destinations of CANDIDATE's home region (sectors honoured)."""
    if not candidate.region_code:
        return []
    agreements = active_agreements_from(session, candidate.region_code)
    if not agreements:
        return []
    conditions = []
    for a in agreements:
        condition = in_subtree(Job.region_code, a.destination_code)
        if a.sectors:
            condition = sa.and_(condition, Employer.industry.in_(a.sectors))
        conditions.append(condition)
    return (
        session.scalars(
            sa.select(Job)
            .join(Employer, Job.employer_id == Employer.id)
            .where(Job.is_public, sa.or_(*conditions))
            .order_by(Job.published_at.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )


def partner_jobs_for(session: Session, user) -> list[Job]:
    """The partner jobs the home page shows USER: only logged-in seekers have a home region."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.SEEKER:
        return []
    return partner_jobs(session, user)
