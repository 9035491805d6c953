"""The credit-based fast track (信用审): an employer that qualifies is approved at once on its
written commitment (告知承诺) that its documents are true; officials check the documents
afterwards, before a deadline, and a failed check revokes the approval and tells the owners.

Who qualifies is data (`FastTrackRule`, per region, the nearest one up the tree applies):
a valid unified social credit code, at most N upheld fraud reports, at most M documents
returned by officials in the last year. Officials change their region's rule on
/officials/fast-track.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app import audit
from app.database import lock
from app.employers import credit_code
from app.employers.review import ReviewError, officials_for, owners
from app.extensions import db
from app.models import (
    Employer,
    FastTrackRule,
    Job,
    JobReport,
    ReportStatus,
    ReviewDecision,
    User,
    VerificationReview,
    VerificationState,
    in_subtree,
    utcnow,
)
from app.notifications.service import notify

CLEAN_RECORD_WINDOW = timedelta(days=365)

COMMITMENT_TEXT = _l(
    "I commit that the documents and information submitted are true, complete and valid. I "
    "understand that they will be checked afterwards, and that the approval is revoked if "
    "they are not."
)


def default_rule() -> FastTrackRule:
    """The rule where no region has one (not stored)."""
    return FastTrackRule(
        region_code="",
        enabled=True,
        require_valid_credit_code=True,
        max_upheld_reports=0,
        max_returned_reviews=0,
        post_check_days=20,
        revoke_when_overdue=False,
    )


def rule_for(region_code: str) -> FastTrackRule:
    """The rule of REGION_CODE's nearest region up the tree that has one."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
    rules = db.session.scalars(
        sa.select(FastTrackRule).where(FastTrackRule.region_code.in_(prefixes))
    ).all()
    return max(rules, key=lambda r: len(r.region_code), default=None) or default_rule()


def refusals(employer: Employer) -> list[str]:
    """Why EMPLOYER does not qualify for the fast track now (empty: it qualifies)."""
    rule = rule_for(employer.region_code)
    if not rule.enabled:
        return [str(_l("The fast track is switched off in your region."))]
    reasons = []
    if rule.require_valid_credit_code and not credit_code.is_valid(employer.credit_code):
        reasons.append(str(_l("The unified social credit code is not valid.")))
    upheld = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(JobReport)
        .join(Job, Job.id == JobReport.job_id)
        .where(Job.employer_id == employer.id, JobReport.status == ReportStatus.UPHELD)
    )
    if upheld > rule.max_upheld_reports:
        reasons.append(str(_l("Fraud reports against your jobs were upheld.")))
    returned = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(VerificationReview)
        .where(
            VerificationReview.employer_id == employer.id,
            VerificationReview.decision == ReviewDecision.RETURNED,
            VerificationReview.created_at >= utcnow() - CLEAN_RECORD_WINDOW,
        )
    )
    if returned > rule.max_returned_reviews:
        reasons.append(str(_l("Officials returned your documents in the last year.")))
    return reasons


def approve_on_commitment(employer: Employer, user: User) -> VerificationReview:
    """Approve a submitted EMPLOYER that qualifies, on USER's written commitment; the
    documents go to the post-check queue of the region's officials."""
    lock(db.session, employer)
    if employer.verification_state != VerificationState.SUBMITTED:
        raise ReviewError(_l("There is no submission waiting for a decision."))
    reasons = refusals(employer)
    if reasons:
        raise ReviewError(_l("Not eligible for the fast track: %(why)s", why=" ".join(reasons)))
    now = utcnow()
    rule = rule_for(employer.region_code)
    review = VerificationReview(
        employer_id=employer.id,
        official_id=None,
        decision=ReviewDecision.APPROVED,
        reasons=str(_l("Approved on written commitment; documents to be checked.")),
        fast_track=True,
    )
    db.session.add(review)
    employer.verification_state = VerificationState.APPROVED
    employer.verified_at = now
    employer.commitment_at = now
    employer.post_check_due_at = now + timedelta(days=rule.post_check_days)
    db.session.flush()
    audit.record(
        "employer.fast_track_approve",
        employer,
        actor=user,
        review_id=review.id,
        post_check_due_at=employer.post_check_due_at.isoformat(),
    )
    for owner in owners(employer):
        notify(owner, "review_approved", url_for("employers.verification"))
    link = url_for("employers.review", employer_id=employer.id)
    for official in officials_for(employer.region_code):
        notify(official, "post_check_due", link, email=False, employer=employer.name)
    return review


def post_check_query(region_code: str) -> sa.Select:
    """Fast-track approvals under REGION_CODE waiting for their documents check, soonest first."""
    query = sa.select(Employer).where(Employer.post_check_due_at.is_not(None))
    if region_code:
        query = query.where(in_subtree(Employer.region_code, region_code))
    return query.order_by(Employer.post_check_due_at, Employer.id)


def pass_check(employer: Employer, official: User | None) -> None:
    lock(db.session, employer)
    if employer.post_check_due_at is None:
        raise ReviewError(_l("Nothing is waiting for a check."))
    employer.post_check_due_at = None
    audit.record("employer.post_check_pass", employer, actor=official)


def revoke(employer: Employer, official: User | None, reasons: str) -> VerificationReview:
    """The post-check failed (or its deadline passed, where the rule says so): the approval
    is revoked, the jobs stop being public, and the owners are told why."""
    lock(db.session, employer)
    if employer.post_check_due_at is None:
        raise ReviewError(_l("Nothing is waiting for a check."))
    reasons = reasons.strip()
    if not reasons:
        raise ReviewError(_l("Say what has to change, so the employer can fix it."), status=422)
    review = VerificationReview(
        employer_id=employer.id,
        official_id=official.id if official else None,
        decision=ReviewDecision.RETURNED,
        reasons=reasons,
        fast_track=True,
    )
    db.session.add(review)
    employer.verification_state = VerificationState.RETURNED
    employer.post_check_due_at = None
    db.session.flush()
    audit.record(
        "employer.fast_track_revoke", employer, actor=official, review_id=review.id, reasons=reasons
    )
    for owner in owners(employer):
        notify(owner, "fast_track_revoked", url_for("employers.verification"), reasons=reasons)
    return review


def revoke_overdue() -> int:
    """Revoke the fast-track approvals whose check is overdue, where the region's rule asks
    for it; returns how many."""
    overdue = db.session.scalars(
        sa.select(Employer).where(Employer.post_check_due_at < utcnow())
    ).all()
    revoked = 0
    for employer in overdue:
        if not rule_for(employer.region_code).revoke_when_overdue:
            continue
        lock(db.session, employer)  # an official may have passed the check meanwhile
        if employer.post_check_due_at is None or employer.post_check_due_at >= utcnow():
            continue
        revoke(employer, None, str(_l("The documents were not checked before the deadline.")))
        revoked += 1
    return revoked


RULE_FIELDS = (
    "enabled",
    "require_valid_credit_code",
    "max_upheld_reports",
    "max_returned_reviews",
    "post_check_days",
    "revoke_when_overdue",
)


def save_rule(region_code: str, values: dict, official: User) -> FastTrackRule:
    """Set the rule of REGION_CODE (the official's own region), audited."""
    rule = db.session.scalar(
        sa.select(FastTrackRule).where(FastTrackRule.region_code == region_code)
    )
    if rule is None:
        rule = FastTrackRule(region_code=region_code)
        db.session.add(rule)
    for name in RULE_FIELDS:
        setattr(rule, name, values[name])
    rule.updated_by_id = official.id
    db.session.flush()
    audit.record(
        "fast_track.rule_set", rule, actor=official, region_code=region_code,
        **{name: values[name] for name in RULE_FIELDS},
    )  # fmt: skip
    return rule
