"""Labor cooperation (劳务协作): agreements between regions, and promoting partner jobs.

``partner_jobs`` is what other pages call to show a candidate "jobs from our partner
regions": published jobs in the destinations of active agreements whose origin covers the
candidate's home region.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    AgreementStatus,
    CooperationAgreement,
    Employer,
    Job,
    JobStatus,
    User,
    in_subtree,
)


def active_agreements_from(
    session: Session, region_code: str, today: date | None = None
) -> list[CooperationAgreement]:
    """Active agreements whose origin covers REGION_CODE."""
    today = today or date.today()
    agreements = session.scalars(
        sa.select(CooperationAgreement).where(
            CooperationAgreement.status == AgreementStatus.ACTIVE,
            CooperationAgreement.starts_on <= today,
            CooperationAgreement.ends_on >= today,
        )
    ).all()
    return [a for a in agreements if region_code.startswith(a.origin_code)]


def partner_jobs(session: Session, candidate: User, limit: int = 6) -> list[Job]:
    """Newest published jobs in partner destinations of CANDIDATE's home region (sectors honoured)."""
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
            .where(Job.status == JobStatus.PUBLISHED, sa.or_(*conditions))
            .order_by(Job.published_at.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )
