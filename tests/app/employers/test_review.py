"""Online document review: draft → submitted → returned → submitted → approved, by the pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.employers import review
from app.extensions import db
from app.models import (
    AuditEntry,
    EmployerDocument,
    Job,
    JobReport,
    Notification,
    ReportStatus,
    Role,
    VerificationReview,
    VerificationState,
)
from tests import factories
from tests.app.employers.helpers import PDF, PNG, file
from tests.web import as_user, post_form

VERIFY = "/employers/mine/verification"


def actions(employer) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "employers", AuditEntry.object_id == str(employer.id))
            .order_by(AuditEntry.id)
        )
    )


def kinds(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_review_state_machine_with_audit_and_notifications(client):
    employer = factories.employer(verified=False)
    owner = employer.members[0].user
    official = factories.user(Role.OFFICIAL, region_code="4201")
    as_user(client, owner)

    # Submitting without documents is refused and explained.
    response = post_form(
        client, VERIFY, {"legal_rep_name": "王五", "action": "submit"}, follow_redirects=True
    )
    assert "Still missing" in response.get_data(as_text=True) or "缺" in response.get_data(
        as_text=True
    )
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.DRAFT

    response = post_form(
        client,
        VERIFY,
        {
            "legal_rep_name": "王五",
            "action": "submit",
            "business_licence": file(PDF, "licence.pdf"),
            "legal_rep_id": file(PNG, "id.png"),
        },
    )
    assert response.status_code == 302
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.SUBMITTED
    assert {d.content_type for d in employer.documents} == {"application/pdf", "image/png"}
    assert kinds(official) == ["review_submitted"]

    as_user(client, official)
    assert employer.name in client.get("/officials/reviews").get_data(as_text=True)
    page = client.get(f"/officials/reviews/{employer.id}").get_data(as_text=True)
    assert "信用" not in page  # a first, ordinary submission: no word of the fast track
    doc = employer.documents[0]
    served = client.get(f"/employers/{employer.id}/documents/{doc.id}")
    assert served.status_code == 200 and served.data == PDF
    assert "no-store" in served.headers["Cache-Control"]

    # Returning needs reasons.
    url = f"/officials/reviews/{employer.id}"
    assert post_form(client, url, {"decision": "returned", "reasons": ""}).status_code == 422
    assert (
        post_form(client, url, {"decision": "returned", "reasons": "执照模糊"}).status_code == 302
    )
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.RETURNED
    assert kinds(owner) == ["review_returned"]

    as_user(client, owner)
    assert "执照模糊" in client.get(VERIFY).get_data(as_text=True)
    response = post_form(
        client,
        VERIFY,
        {
            "legal_rep_name": "王五",
            "action": "submit",
            "business_licence": file(PDF, "clear.pdf"),
        },
    )
    assert response.status_code == 302
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.SUBMITTED
    # While under review, documents cannot change.
    response = post_form(
        client, VERIFY, {"legal_rep_name": "x", "business_licence": file(PDF, "x.pdf")}
    )
    assert response.status_code == 409

    as_user(client, official)
    # No video identity check here: the official approves explicitly without one (app/video/identity.py).
    assert (
        post_form(
            client, url, {"decision": "approved", "reasons": "", "without_identity": "y"}
        ).status_code
        == 302
    )
    db.session.refresh(employer)
    assert employer.verified and employer.verified_at is not None
    assert kinds(owner) == ["review_returned", "review_approved"]
    decisions = db.session.scalars(
        select(VerificationReview.decision)
        .where(VerificationReview.employer_id == employer.id)
        .order_by(VerificationReview.id)
    ).all()
    assert decisions == ["returned", "approved"]
    assert [a for a in actions(employer) if a.startswith("employer.review")] == [
        "employer.review_submit",
        "employer.review_returned",
        "employer.review_submit",
        "employer.review_approved",
    ]
    assert db.session.query(EmployerDocument).count() == 3  # earlier uploads stay on record
    # A decision on a decided employer is refused.
    assert post_form(client, url, {"decision": "approved"}).status_code == 409


def test_official_outside_the_region_gets_404(client):
    employer = factories.employer(verified=False)
    document = EmployerDocument(
        employer=employer,
        kind="business_licence",
        filename="l.pdf",
        stored_name="abc.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    db.session.add(document)
    employer.verification_state = VerificationState.SUBMITTED
    outsider = factories.user(Role.OFFICIAL, region_code="52")
    neighbour = factories.user(Role.OFFICIAL, region_code="420103")
    for official in (outsider, neighbour):
        as_user(client, official)
        assert client.get(f"/officials/reviews/{employer.id}").status_code == 404
        assert client.get(f"/employers/{employer.id}/documents/{document.id}").status_code == 404
        assert (
            post_form(
                client,
                f"/officials/reviews/{employer.id}",
                {"decision": "approved"},
                token_from="/officials/reviews",
            ).status_code
            == 404
        )
        assert employer.name not in client.get("/officials/reviews").get_data(as_text=True)


def test_fast_track_rule_and_queue_order(app):
    plain = factories.employer(verified=False, name="普通公司")
    trusted = factories.employer(verified=True, name="老牌公司")
    official = factories.user(Role.OFFICIAL, region_code="42")
    db.session.add(
        VerificationReview(employer_id=trusted.id, official_id=official.id, decision="approved")
    )
    for item in (plain, trusted):
        item.verification_state = VerificationState.SUBMITTED
    plain.submitted_at, trusted.submitted_at = datetime(2026, 1, 1), datetime(2026, 2, 1)
    db.session.flush()
    assert review.is_trusted(trusted) and not review.is_trusted(plain)
    queue = db.session.execute(review.queue_query("42")).all()
    assert [(e.name, bool(t)) for e, t in queue] == [("老牌公司", True), ("普通公司", False)]

    # An upheld fraud report ends the trust.
    job = factories.job(trusted)
    db.session.add(JobReport(job_id=job.id, reason="fees", status=ReportStatus.UPHELD))
    db.session.flush()
    assert not review.is_trusted(trusted)
    assert db.session.get(Job, job.id) is not None


def test_a_verified_company_that_changes_who_or_where_it_is_is_reviewed_again(client):
    """Name, code, legal representative or region are what an approval vouched for."""
    from app.accounts.service import create_api_token

    employer = factories.employer(region_code="420102001001")
    owner = employer.members[0].user
    official = factories.user(Role.OFFICIAL, region_code="52")
    token = create_api_token(owner, "test")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    harmless = client.patch("/api/v1/employers/me", json={"address": "江岸区1号"}, headers=bearer)
    assert harmless.status_code == 200
    assert db.session.get(type(employer), employer.id).verification_state == (
        VerificationState.APPROVED
    )
    moved = client.patch(
        "/api/v1/employers/me",
        json={"name": "腾讯科技（深圳）有限公司", "region_code": "520302"},
        headers=bearer,
    )
    assert moved.status_code == 200 and moved.get_json()["verified"] is False
    db.session.expire_all()
    assert employer.verification_state == VerificationState.SUBMITTED
    assert actions(employer)[-1] == "employer.identity_change"
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == official.id, Notification.kind == "review_submitted"
        )
    )


def test_renaming_a_verified_company_on_its_page_sends_it_back_to_review(client):
    employer = factories.employer(region_code="420102001001")
    as_user(client, employer.members[0].user)
    data = {
        "name": "新名字有限公司",
        "credit_code": employer.credit_code,
        "industry": employer.industry.value,
        "size": employer.size.value,
        "region_code": employer.region_code,
        "description": "",
    }
    assert post_form(client, "/employers/mine/edit", data).status_code in (302, 303)
    db.session.expire_all()
    assert employer.verification_state == VerificationState.SUBMITTED


def test_only_a_fast_track_submission_says_it_is_one(client):
    """The note that a company was approved before and the "Fast track" badge show on its
    review page only when the submission is on the fast track, as the queue sorts it."""
    plain = factories.employer(verified=False, name="普通公司")
    trusted = factories.employer(verified=True, name="老牌公司")
    official = factories.user(Role.OFFICIAL, region_code="42", locale="en")
    db.session.add(
        VerificationReview(employer_id=trusted.id, official_id=official.id, decision="approved")
    )
    badge = '<span class="state state-approved">Fast track</span>'
    note = "that approval still stands"
    as_user(client, official)
    approved = client.get(f"/officials/reviews/{trusted.id}").text  # decided: in no queue
    assert badge not in approved and note not in approved

    for item in (plain, trusted):
        item.verification_state = VerificationState.SUBMITTED
    db.session.commit()
    ordinary = client.get(f"/officials/reviews/{plain.id}").text
    assert "普通公司" in ordinary and badge not in ordinary and note not in ordinary
    fast = client.get(f"/officials/reviews/{trusted.id}").text
    assert badge in fast and note in fast
