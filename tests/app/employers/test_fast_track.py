"""The credit-based fast track (信用审): approval on commitment, the officials' post-check,
revocation with notification, and the rule as data officials change."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from app.employers import fast_track
from app.employers.tasks import revoke_overdue
from app.extensions import db
from app.models import (
    AuditEntry,
    Employer,
    FastTrackRule,
    JobReport,
    Notification,
    ReportStatus,
    Role,
    VerificationState,
    utcnow,
)
from tests import factories
from tests.web import as_user, post_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(client, commitment: bool):
    data = {
        "legal_rep_name": "张三",
        "business_licence": (io.BytesIO(PDF), "licence.pdf"),
        "legal_rep_id": (io.BytesIO(PDF), "id.pdf"),
        "action": "submit",
    }
    if commitment:
        data["commitment"] = "y"
    return post_form(
        client, "/employers/mine/verification", data, content_type="multipart/form-data"
    )


def draft_employer():
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, verified=False)
    official = factories.user(Role.OFFICIAL, region_code="420102")
    db.session.commit()
    return owner, employer, official


def test_a_qualifying_employer_is_approved_on_commitment_and_checked_afterwards(client):
    owner, employer, official = draft_employer()
    as_user(client, owner)
    assert "qualifies for the fast track" in client.get("/employers/mine/verification").get_data(
        as_text=True
    )
    assert submit(client, commitment=True).status_code == 302
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.APPROVED
    assert employer.post_check_due_at - employer.commitment_at == timedelta(days=20)

    as_user(client, official)
    queue = client.get("/officials/reviews").get_data(as_text=True)
    assert "Fast-track approvals to check" in queue and employer.name in queue
    passed = post_form(
        client,
        f"/officials/reviews/{employer.id}/post-check",
        {"outcome": "pass"},
        token_from=f"/officials/reviews/{employer.id}",
    )
    assert passed.status_code == 303
    db.session.refresh(employer)
    assert (employer.verification_state, employer.post_check_due_at) == (
        VerificationState.APPROVED,
        None,
    )


def test_a_failed_check_revokes_and_tells_the_owner(client):
    owner, employer, official = draft_employer()
    as_user(client, owner)
    submit(client, commitment=True)
    as_user(client, official)
    url = f"/officials/reviews/{employer.id}/post-check"
    assert (
        post_form(
            client, url, {"outcome": "fail"}, token_from=f"/officials/reviews/{employer.id}"
        ).status_code
        == 422
    )
    revoked = post_form(
        client,
        url,
        {"outcome": "fail", "reasons": "营业执照与名称不符"},
        token_from=f"/officials/reviews/{employer.id}",
    )
    assert revoked.status_code == 303
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.RETURNED
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == owner.id, Notification.kind == "fast_track_revoked"
        )
    )
    assert note.params["reasons"] == "营业执照与名称不符"
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "employer.fast_track_revoke")
    )


def test_without_commitment_or_with_an_upheld_report_it_is_the_standard_queue(client):
    owner, employer, _official = draft_employer()
    job = factories.job(employer)
    as_user(client, owner)
    submit(client, commitment=False)
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.SUBMITTED

    db.session.add(JobReport(job_id=job.id, reason="fake", status=ReportStatus.UPHELD))
    employer.verification_state = VerificationState.DRAFT
    db.session.commit()
    with force_locale("en"):
        assert fast_track.refusals(employer) == ["Fraud reports against your jobs were upheld."]
    submit(client, commitment=True)
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.SUBMITTED  # not approved


def test_the_rule_is_data_an_official_changes(client, app):
    owner, employer, official = draft_employer()
    as_user(client, official)
    saved = post_form(
        client,
        "/officials/fast-track",
        {
            "region_code": "52",
            "enabled": "",
            "max_upheld_reports": "0",
            "max_returned_reviews": "0",
            "post_check_days": "5",
        },
    )
    assert saved.status_code == 303
    rule = db.session.scalar(sa.select(FastTrackRule))
    assert (rule.region_code, rule.enabled, rule.post_check_days) == (
        "420102",
        False,
        5,
    )  # own region only
    with force_locale("en"):
        assert fast_track.refusals(employer) == ["The fast track is switched off in your region."]
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "fast_track.rule_set")
    )


def test_overdue_checks_are_revoked_where_the_rule_says_so(app, client):
    owner, employer, official = draft_employer()
    db.session.add(FastTrackRule(region_code="4201", revoke_when_overdue=True, post_check_days=1))
    db.session.commit()
    as_user(client, owner)
    submit(client, commitment=True)
    assert revoke_overdue() == 0
    db.session.execute(
        sa.update(Employer).values(post_check_due_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert revoke_overdue() == 1
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.RETURNED
