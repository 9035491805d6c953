"""Labor cooperation (劳务协作): agreements between regions, and promoting partner jobs.

``partner_jobs`` is what other pages call to show a candidate "jobs from our partner
regions": public jobs in the destinations of active agreements whose origin covers the
candidate's home region.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import audit, clock
from app.dashboards import tasks as dashboard_tasks
from app.models import (
    AgreementStatus,
    CooperationAgreement,
    Employer,
    Job,
    Role,
    User,
    in_subtree,
)

if TYPE_CHECKING:
    from app.cooperation.forms import AgreementForm


def create(session: Session, official: User, form: AgreementForm) -> CooperationAgreement:
    """A new agreement from the official's form (the caller has checked one end is in scope).
    The dashboards' flows are recomputed after the commit."""
    agreement = CooperationAgreement(created_by_id=official.id)
    form.populate_obj(agreement)
    session.add(agreement)
    session.flush()
    audit.record("cooperation.create", agreement)
    dashboard_tasks.refresh_after_commit()
    return agreement


def active_agreements_from(
    session: Session, region_code: str, today: date | None = None
) -> list[CooperationAgreement]:
    """Active agreements whose origin covers REGION_CODE."""
    today = today or clock.today()
    agreements = session.scalars(
        sa.select(CooperationAgreement).where(
            CooperationAgreement.status == AgreementStatus.ACTIVE,
            CooperationAgreement.starts_on <= today,
            CooperationAgreement.ends_on >= today,
        )
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
