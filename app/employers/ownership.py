"""Who owns a company when its last owner's account is erased, and how it gets a new one.

A company's profile, jobs and the applications it received are the company's records, not
the leaving person's data, so erasing the last owner's account never deletes the company:

- a colleague who still works for it becomes its owner (the longest-serving one), so the team
  keeps working and can invite others;
- with nobody left, the company stays without a login: its published jobs are paused (no one
  would answer the people applying) and administrators see it on /admin/employers/ownerless,
  where they make an employer account its owner once the company asks.

The settings page says which of the two will happen before the person confirms the deletion.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app import audit
from app.database import lock
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, EmployerMember, Job, JobStatus, MemberRole, Role, User
from app.notifications.service import notify


class OwnershipError(DomainError):
    status = 422


def other_owners(employer_id: int, user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EmployerMember)
        .where(
            EmployerMember.employer_id == employer_id,
            EmployerMember.role == MemberRole.OWNER,
            EmployerMember.user_id != user.id,
        )
    )


def successor(employer_id: int, user: User) -> EmployerMember | None:
    """The colleague who would take over from USER: the longest-serving other member."""
    return db.session.scalar(
        sa.select(EmployerMember)
        .where(EmployerMember.employer_id == employer_id, EmployerMember.user_id != user.id)
        .order_by(EmployerMember.created_at, EmployerMember.id)
        .limit(1)
    )


def plan_for(user: User) -> tuple[Employer, User | None] | None:
    """What erasing USER does to their company: None when it keeps another owner (or USER
    owns none), else (the company, the colleague who becomes owner or None)."""
    seat = user.membership
    if seat is None or seat.role != MemberRole.OWNER or other_owners(seat.employer_id, user):
        return None
    heir = successor(seat.employer_id, user)
    return seat.employer, heir.user if heir else None


def hand_over(user: User) -> None:
    """Before USER's seat is removed (erasure): give the company another owner, or leave it
    ownerless with its published jobs paused. Audited either way."""
    seat = user.membership
    if seat is None or seat.role != MemberRole.OWNER:
        return
    lock(db.session, seat.employer)  # two owners erased at once: one sees the other still there
    plan = plan_for(user)
    if plan is None:
        return
    employer, heir = plan
    if heir is not None:
        heir.membership.role = MemberRole.OWNER
        audit.record(
            "employer.owner_succession", employer, actor=None, from_user=user.id, to_user=heir.id
        )
        notify(heir, "company_owner", url_for("employers.team"), employer=employer.name)
        return
    paused = 0
    for job in db.session.scalars(
        sa.select(Job).where(Job.employer_id == employer.id, Job.status == JobStatus.PUBLISHED)
    ):
        job.status = JobStatus.PAUSED  # through the ORM: search and recommendations follow
        paused += 1
    audit.record("employer.ownerless", employer, actor=None, from_user=user.id, jobs_paused=paused)


def ownerless_query() -> sa.Select:
    """Companies no owner can sign in to, newest first."""
    owned = sa.select(EmployerMember.employer_id).where(EmployerMember.role == MemberRole.OWNER)
    return sa.select(Employer).where(Employer.id.not_in(owned)).order_by(Employer.id.desc())


def ownerless(limit: int = 100) -> list[Employer]:
    return list(db.session.scalars(ownerless_query().limit(limit)))


def assign_owner(employer: Employer, email: str, admin: User) -> User:
    """Make the employer account EMAIL an owner of EMPLOYER (a company without one); the
    account may be a colleague already, not someone working for another company."""
    lock(db.session, employer)
    owned = sa.select(EmployerMember.id).where(
        EmployerMember.employer_id == employer.id, EmployerMember.role == MemberRole.OWNER
    )
    if db.session.scalar(owned.limit(1)) is not None:
        raise OwnershipError(_l("This company already has an owner."), 409)
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or user.deleted_at is not None:
        raise OwnershipError(
            _l("No account has this email. Create an employer account for it first.")
        )
    if user.role != Role.EMPLOYER or not user.active:
        raise OwnershipError(_l("Only an enabled employer account can own a company."))
    seat = user.membership
    if seat is not None and seat.employer_id != employer.id:
        raise OwnershipError(_l("This person works for another company."), 409)
    if seat is None:
        seat = EmployerMember(employer_id=employer.id, user_id=user.id, role=MemberRole.OWNER)
        db.session.add(seat)
    seat.role = MemberRole.OWNER
    db.session.flush()
    audit.record("employer.owner_assign", employer, actor=admin, user_id=user.id)
    notify(user, "company_owner", url_for("employers.team"), employer=employer.name)
    return user
