"""The review queue's fast track (review.TRUSTED) counts an approval only while it is in
force: a fast-track approval revoked after its documents check leaves the company's next
submission in the ordinary queue, with no fast-track note or badge on its review page,
until officials approve it again."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.employers import review
from app.extensions import db
from app.models import AuditEntry, ReviewDecision, Role, VerificationReview, VerificationState
from tests import factories
from tests.app.employers.helpers import PDF, file
from tests.web import as_user, post_form

BADGE = '<span class="state state-approved">Fast track</span>'
NOTE = "that approval still stands"


def submit(client, commitment: bool):
    data = {
        "legal_rep_name": "张三",
        "business_licence": file(PDF, "licence.pdf"),
        "legal_rep_id": file(PDF, "id.pdf"),
        "action": "submit",
    }
    if commitment:
        data["commitment"] = "y"
    return post_form(
        client, "/employers/mine/verification", data, content_type="multipart/form-data"
    )


def review_page(client, employer) -> str:
    return client.get(f"/officials/reviews/{employer.id}").get_data(as_text=True)


def queue(region_code: str = "420102") -> list[tuple[str, bool]]:
    rows = db.session.execute(review.queue_query(region_code)).all()
    return [(employer.name, bool(trusted)) for employer, trusted in rows]


def test_a_revoked_approval_does_not_put_the_next_submission_on_the_fast_track(client):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, verified=False, name="撤销过的公司")
    official = factories.user(Role.OFFICIAL, region_code="420102", locale="en")
    as_user(client, owner)
    assert submit(client, commitment=True).status_code == 302  # approved on commitment
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.APPROVED

    as_user(client, official)
    revoked = post_form(
        client,
        f"/officials/reviews/{employer.id}/post-check",
        {"outcome": "fail", "reasons": "营业执照与名称不符"},
        token_from=f"/officials/reviews/{employer.id}",
    )
    assert revoked.status_code == 303

    as_user(client, owner)
    assert submit(client, commitment=False).status_code == 302
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.SUBMITTED
    assert not review.is_trusted(employer)
    assert queue() == [("撤销过的公司", False)]
    submitted = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "employer.review_submit")
        .order_by(AuditEntry.id)
    ).all()
    assert submitted[-1].data["fast_track"] is False  # the resubmission, after the revocation

    as_user(client, official)
    page = review_page(client, employer)
    assert "撤销过的公司" in page and BADGE not in page and NOTE not in page

    # Officials approve it: that approval is in force, so a later resubmission (its name
    # changed) is on the fast track again, and its page says why.
    review.decide(employer, official, ReviewDecision.APPROVED)
    assert employer.verification_state == VerificationState.APPROVED
    employer.verification_state = VerificationState.SUBMITTED
    db.session.commit()
    assert review.is_trusted(employer)
    assert queue() == [("撤销过的公司", True)]
    page = review_page(client, employer)
    assert BADGE in page and NOTE in page


def test_an_approval_in_force_sorts_first(app):
    """Two resubmissions: the company whose approval stands goes first, the one whose
    approval was revoked waits its turn with the companies never approved."""
    standing = factories.employer(verified=True, name="甲公司")
    revoked = factories.employer(verified=True, name="乙公司")
    never = factories.employer(verified=False, name="丙公司")
    for decision in (ReviewDecision.APPROVED, ReviewDecision.RETURNED):
        db.session.add(VerificationReview(employer_id=revoked.id, decision=decision))
        db.session.flush()  # ids in decision order: the return came after the approval
    db.session.add(VerificationReview(employer_id=standing.id, decision=ReviewDecision.APPROVED))
    for n, employer in enumerate((never, revoked, standing)):
        employer.verification_state = VerificationState.SUBMITTED
        employer.submitted_at = datetime(2026, 1, 1 + n)
    db.session.flush()
    assert queue("42") == [("甲公司", True), ("丙公司", False), ("乙公司", False)]
