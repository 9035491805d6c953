"""Hiring subsidies: eligibility computed from the platform's records, claimed in one click.

The budget holds under concurrent claims because the only write to ``committed_amount`` is
one conditional UPDATE (``... WHERE committed_amount + :amount <= budget``): PostgreSQL
serialises concurrent updates of the row and re-checks the condition, and the table's CHECK
refuses any overspend that slipped past. The unique (policy, employer) key stops doubles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from app import audit, clock
from app.errors import DomainError
from app.models import (
    AgreementStatus,
    Application,
    ClaimStatus,
    CompanySize,
    CooperationAgreement,
    Employer,
    Job,
    ResumptionReport,
    Stage,
    SubsidyClaim,
    SubsidyPolicy,
    SubsidyRule,
    User,
    in_subtree,
    utcnow,
)

if TYPE_CHECKING:
    from app.subsidies.forms import PolicyForm


class ClaimError(DomainError):
    """A claim that cannot be made; the message is for the employer."""


@dataclass
class Eligibility:
    amount: int
    basis: int
    reason: str

    @property
    def eligible(self) -> bool:
        return self.amount > 0


def partner_hires(session: Session, policy: SubsidyPolicy, employer: Employer) -> int:
    """Hires by EMPLOYER of candidates from the origin of an agreement that covers its region
    and industry, applied for while the agreement ran. Only agreements both regions agreed
    to count (in force, or since ended): a proposal does not spend the other side's budget."""
    candidate = aliased(User)
    agreements = [
        a
        for a in session.scalars(
            sa.select(CooperationAgreement).where(
                CooperationAgreement.status.in_([AgreementStatus.ACTIVE, AgreementStatus.ENDED])
            )
        )
        if employer.region_code.startswith(a.destination_code)
        and (not a.sectors or employer.industry in a.sectors)
    ]
    if not agreements:
        return 0
    under = [
        sa.and_(
            in_subtree(candidate.region_code, a.origin_code),
            Application.created_at >= clock.day_start(a.starts_on),
            Application.created_at < clock.day_start(a.last_day + timedelta(days=1)),
        )
        for a in agreements
    ]
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Application)
            .join(Job, Application.job_id == Job.id)
            .join(candidate, Application.candidate_id == candidate.id)
            .where(
                Job.employer_id == employer.id,
                Application.stage == Stage.HIRED,
                Application.created_at >= clock.day_start(policy.starts_on),
                sa.or_(*under),
            )
        )
        or 0
    )


def resumed_by(session: Session, employer: Employer, day: date) -> bool:
    return (
        session.scalar(
            sa.select(sa.func.count()).where(
                ResumptionReport.employer_id == employer.id,
                ResumptionReport.resumed.is_(True),
                sa.func.coalesce(ResumptionReport.resumed_on, ResumptionReport.report_date) <= day,
            )
        )
        > 0
    )


def eligibility(
    session: Session, policy: SubsidyPolicy, employer: Employer, today: date | None = None
) -> Eligibility:
    today = today or clock.today()
    if not employer.region_code.startswith(policy.region_code):
        return Eligibility(0, 0, _("Your company is outside this policy's region."))
    if not (policy.starts_on <= today <= policy.ends_on):
        return Eligibility(0, 0, _("This policy is not open for claims today."))
    if not employer.verified:
        return Eligibility(0, 0, _("Your company's documents must be approved first."))
    if policy.rule == SubsidyRule.PER_HIRE_FROM_PARTNER_REGION:
        hires = partner_hires(session, policy, employer)
        if not hires:
            return Eligibility(0, 0, _("No hires from partner regions yet."))
        return Eligibility(
            min(hires * policy.amount, policy.per_employer_cap),
            hires,
            ngettext(
                "%(num)d hire from partner regions", "%(num)d hires from partner regions", hires
            ),
        )
    if employer.size not in (CompanySize.MICRO, CompanySize.SMALL):
        return Eligibility(0, 0, _("Only micro and small enterprises are eligible."))
    if policy.resumed_by is None or not resumed_by(session, employer, policy.resumed_by):
        return Eligibility(0, 0, _("No resumption report shows work resumed in time."))
    return Eligibility(min(policy.amount, policy.per_employer_cap), 1, _("Resumed work in time"))


def open_policies(
    session: Session, employer: Employer, today: date | None = None
) -> list[SubsidyPolicy]:
    """Policies whose region covers EMPLOYER and whose period includes TODAY."""
    today = today or clock.today()
    policies = session.scalars(
        sa.select(SubsidyPolicy)
        .where(SubsidyPolicy.starts_on <= today, SubsidyPolicy.ends_on >= today)
        .order_by(SubsidyPolicy.ends_on)
    ).all()
    return [p for p in policies if employer.region_code.startswith(p.region_code)]


def offers(
    session: Session, employer: Employer
) -> list[tuple[SubsidyPolicy, Eligibility, SubsidyClaim | None]]:
    """The open policies for EMPLOYER, each with what it may claim (nothing once the budget
    left is less than its amount: a claim is all or nothing) and its claim, if any."""
    claims = {
        c.policy_id: c
        for c in session.scalars(
            sa.select(SubsidyClaim).where(SubsidyClaim.employer_id == employer.id)
        )
    }
    return [
        (
            policy,
            within_budget(policy, eligibility(session, policy, employer)),
            claims.get(policy.id),
        )
        for policy in open_policies(session, employer)
    ]


def within_budget(policy: SubsidyPolicy, result: Eligibility) -> Eligibility:
    if result.eligible and policy.committed_amount + result.amount > policy.budget:
        return Eligibility(0, 0, _("The budget of this policy is used up."))
    return result


def claim(
    session: Session, policy: SubsidyPolicy, employer: Employer, user: User | None
) -> SubsidyClaim:
    """Claim the computed amount in one step. Raises ClaimError; the caller commits, or rolls
    back on ClaimError.

    The budget is reserved first, by one conditional UPDATE (so concurrent claims can never
    commit more than the budget), and only then is the claim written, without a savepoint:
    on SQLite a savepoint opened before any other write is released as a commit of its own,
    which once let refused claims stay behind. A second claim by the same employer fails on
    the unique key at the flush, inside the same transaction the caller rolls back.
    """
    result = eligibility(session, policy, employer)
    if not result.eligible:
        raise ClaimError(result.reason)
    reserved = session.execute(
        sa.update(SubsidyPolicy)
        .where(
            SubsidyPolicy.id == policy.id,
            SubsidyPolicy.committed_amount + result.amount <= SubsidyPolicy.budget,
        )
        .values(committed_amount=SubsidyPolicy.committed_amount + result.amount)
        .execution_options(synchronize_session=False)
    ).rowcount
    if reserved != 1:
        raise ClaimError(_("The budget of this policy is used up."))
    item = SubsidyClaim(
        policy_id=policy.id,
        employer_id=employer.id,
        amount=result.amount,
        basis=result.basis,
        claimed_by_id=getattr(user, "id", None),
    )
    session.add(item)
    try:
        session.flush()
    except IntegrityError:
        raise ClaimError(_("Your company has already claimed this subsidy.")) from None
    audit.record(
        "subsidy.claim",
        item,
        actor=user,
        policy_id=policy.id,
        amount=result.amount,
        basis=result.basis,
    )
    return item


def publish_policy(session: Session, official: User, form: PolicyForm) -> SubsidyPolicy:
    """A new policy from the official's form (the caller has checked the region is in scope)."""
    policy = SubsidyPolicy(created_by_id=official.id, committed_amount=0)
    form.populate_obj(policy)
    session.add(policy)
    session.flush()
    audit.record("subsidy.policy", policy, rule=SubsidyRule(policy.rule).value)
    return policy


REVIEW_MOVES = {
    "approve": ({ClaimStatus.CLAIMED}, ClaimStatus.APPROVED),
    "reject": ({ClaimStatus.CLAIMED, ClaimStatus.APPROVED}, ClaimStatus.REJECTED),
    "pay": ({ClaimStatus.APPROVED}, ClaimStatus.PAID),
}
"""action → (the statuses a claim may be in, the status it moves to)."""


def review(session: Session, claims: list[SubsidyClaim], action: str, official: User) -> int:
    """Approve, reject or mark paid many claims at once; rejection frees the budget.

    Each decision is one conditional UPDATE of the claim's status: of two officials (or two
    clicks) deciding the same claim at once, exactly one changes it, so a rejection frees
    its amount once and is audited once."""
    allowed, target = REVIEW_MOVES[action]
    changed = 0
    for item in claims:
        now = utcnow()
        moved = session.execute(
            sa.update(SubsidyClaim)
            .where(SubsidyClaim.id == item.id, SubsidyClaim.status.in_(allowed))
            .values(
                status=target,
                reviewed_by_id=official.id,
                reviewed_at=now,
                paid_at=now if target == ClaimStatus.PAID else SubsidyClaim.paid_at,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            continue
        if target == ClaimStatus.REJECTED:
            session.execute(
                sa.update(SubsidyPolicy)
                .where(SubsidyPolicy.id == item.policy_id)
                .values(committed_amount=SubsidyPolicy.committed_amount - item.amount)
                .execution_options(synchronize_session=False)
            )
        session.refresh(item)
        audit.record(f"subsidy.{action}", item, actor=official, amount=item.amount)
        changed += 1
    return changed


LIVE = (ClaimStatus.CLAIMED, ClaimStatus.APPROVED, ClaimStatus.PAID)
"""Claims that hold part of a budget (a rejected one gave its amount back)."""


def budget_drift(session: Session) -> list[tuple[int, int, int]]:
    """Policies whose committed amount is not the sum of their live claims, as
    (policy id, committed, sum of live claims): empty when the books balance."""
    live = (
        sa.select(SubsidyClaim.policy_id, sa.func.sum(SubsidyClaim.amount).label("total"))
        .where(SubsidyClaim.status.in_(LIVE))
        .group_by(SubsidyClaim.policy_id)
        .subquery()
    )
    total = sa.func.coalesce(live.c.total, 0)
    rows = session.execute(
        sa.select(SubsidyPolicy.id, SubsidyPolicy.committed_amount, total)
        .outerjoin(live, live.c.policy_id == SubsidyPolicy.id)
        .where(SubsidyPolicy.committed_amount != total)
        .order_by(SubsidyPolicy.id)
    )
    return [tuple(row) for row in rows]
