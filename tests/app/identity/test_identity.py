"""Identity checks by the pages: start, stored result, who sees the snapshots, the official's
decision and how it gates approving the employer."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.identity import service as identity
from app.identity.routes import identity_state_label
from app.models import (
    AuditEntry,
    EmployerDocument,
    IdentityCheck,
    IdentityState,
    Notification,
    VerificationState,
)
from app.queue import get_queue
from tests.app.identity.conftest import checked, liveness_result, write_snapshots
from tests.web import as_user, post_form
from video import rooms

HOME = "/video/identity"


def kinds(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def actions(check) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.object_type == "identity_checks", AuditEntry.object_id == str(check.id)
            )
            .order_by(AuditEntry.id)
        )
    )


def test_owner_starts_a_check_room_in_redis_and_row(app, client, people):
    as_user(client, people.owner)
    page = client.get("/employers/mine/verification").get_data(as_text=True)
    assert "/video/identity" in page  # the link on the document-review page
    response = post_form(client, f"{HOME}/start", {}, token_from=HOME)
    assert response.status_code == 303
    check = db.session.scalars(select(IdentityCheck)).one()
    assert response.headers["Location"].endswith(f"/video/identity/{check.id}")
    assert check.employer_id == people.employer.id and check.started_by_id == people.owner.id
    assert check.state == IdentityState.STARTED
    room = rooms.get_room(app.extensions["redis"], check.room_id)
    assert (room.kind, room.capacity) == ("identity", 2)
    assert actions(check) == ["identity.start"]
    # The fallback collection job waits in RQ's schedule.
    assert get_queue(app).scheduled_job_registry.count == 1
    call = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="identity-call"' in call and check.room_id in call and "identity.js" in call
    assert "A person decides" in call or "人" in call


def test_only_owners_start(client, people):
    as_user(client, people.candidate)
    assert client.post(f"{HOME}/start").status_code in (400, 403)  # no CSRF token → 400, role → 403
    assert client.get(HOME).status_code == 403


@pytest.mark.parametrize(
    "who, status",
    [
        ("owner", 200),
        ("official", 200),
        ("other_owner", 404),
        ("outsider", 404),
        ("neighbour", 404),
        ("candidate", 404),
    ],
)
def test_snapshots_only_for_owners_and_in_region_officials(app, client, people, who, status):
    check = checked(app, people.employer, people.owner)
    as_user(client, getattr(people, who))
    response = client.get(f"/video/identity/{check.id}/snapshots/aaaa.jpg")
    assert response.status_code == status
    assert client.get(f"/video/identity/{check.id}").status_code == status
    if status == 200:
        assert (
            response.mimetype == "image/jpeg"
            and response.headers["Cache-Control"] == "private, no-store"
        )
        assert client.get(f"/video/identity/{check.id}/snapshots/zzzz.jpg").status_code == 404


def test_storing_a_result_keeps_safe_snapshot_names_and_tells_officials(app, people):
    with app.test_request_context(method="POST"):
        check = identity.start(people.employer, people.owner)
        running = dict(liveness_result(check.room_id, []), state="running")
        with pytest.raises(identity.IdentityError):
            identity.store_result(check, running)
        with pytest.raises(identity.IdentityError):
            identity.store_result(check, liveness_result("another-room", []))
        identity.store_result(
            check, liveness_result(check.room_id, ["good_1-x.jpg", "../../etc/passwd", "a.png"])
        )
        with pytest.raises(identity.IdentityError):
            identity.store_result(check, liveness_result(check.room_id, []))
    db.session.commit()
    assert check.state == IdentityState.CHECKED and check.checked_at is not None
    assert check.snapshots == ["good_1-x.jpg"]
    assert "snapshots" not in check.result and check.result["passed"] is True
    assert kinds(people.official) == ["identity_checked"] and kinds(people.outsider) == []
    assert actions(check) == ["identity.start", "identity.checked"]


def test_finish_with_the_media_server_down_is_503_and_writes_nothing(app, client, people):
    app.config["VIDEO_URL"] = "http://127.0.0.1:9"
    with app.test_request_context(method="POST"):
        check = identity.start(people.employer, people.owner)
    db.session.commit()
    as_user(client, people.owner)
    response = post_form(
        client, f"/video/identity/{check.id}/finish", {}, token_from=f"/video/identity/{check.id}"
    )
    assert response.status_code == 503
    db.session.refresh(check)
    assert check.state == IdentityState.STARTED and check.result is None


def test_official_rejects_then_approves_with_audit_and_notification(app, client, people):
    first = checked(app, people.employer, people.owner)
    url = f"/video/identity/{first.id}/decide"
    as_user(client, people.outsider)
    assert (
        post_form(client, url, {"identity-decision": "approve"}, token_from="/").status_code == 404
    )
    as_user(client, people.official)
    review_page = client.get(f"/officials/reviews/{people.employer.id}").get_data(as_text=True)
    assert (
        f"/video/identity/{first.id}/snapshots/aaaa.jpg" in review_page
        and f"identity/{first.id}/decide" in review_page
    )
    assert (
        post_form(
            client,
            url,
            {"identity-decision": "reject", "identity-reasons": ""},
            token_from=f"/video/identity/{first.id}",
        ).status_code
        == 422
    )
    response = post_form(
        client,
        url,
        {"identity-decision": "reject", "identity-reasons": "不是本人"},
        token_from=f"/video/identity/{first.id}",
    )
    assert response.status_code == 303
    db.session.refresh(first)
    assert (
        first.state == IdentityState.REJECTED
        and first.decided_by_id == people.official.id
        and first.reasons == "不是本人"
    )
    assert kinds(people.owner) == ["identity_rejected"]
    assert actions(first)[-1] == "identity.rejected"
    # A decided check cannot be decided again.
    assert (
        post_form(client, url, {"identity-decision": "approve"}, token_from="/").status_code == 409
    )

    second = checked(app, people.employer, people.owner, names=("cccc.jpg",))
    as_user(client, people.official)
    response = post_form(
        client,
        f"/video/identity/{second.id}/decide",
        {"identity-decision": "approve"},
        token_from=f"/video/identity/{second.id}",
    )
    assert response.status_code == 303
    db.session.refresh(second)
    assert second.state == IdentityState.APPROVED
    assert kinds(people.owner) == ["identity_rejected", "identity_approved"]
    as_user(client, people.owner)
    assert "identity_approved" not in client.get("/employers/mine/verification").get_data(
        as_text=True
    )
    page = client.get("/employers/mine/verification").get_data(as_text=True)
    with force_locale("en"):  # the test client's language
        assert identity_state_label(IdentityState.APPROVED) in page


def submit(employer):
    db.session.add(
        EmployerDocument(
            employer=employer,
            kind="legal_rep_id",
            filename="id.png",
            stored_name="x.png",
            content_type="image/png",
            size=1,
            sha256="0" * 64,
        )
    )
    employer.verification_state = VerificationState.SUBMITTED
    db.session.commit()


def test_approving_the_employer_needs_an_approved_check_or_an_explicit_override(
    app, client, people
):
    submit(people.employer)
    url = f"/officials/reviews/{people.employer.id}"
    as_user(client, people.official)
    assert post_form(client, url, {"decision": "approved"}).status_code == 409
    db.session.refresh(people.employer)
    assert people.employer.verification_state == VerificationState.SUBMITTED
    assert (
        post_form(client, url, {"decision": "approved", "without_identity": "y"}).status_code == 302
    )
    overrides = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "employer.approve_without_identity")
    ).all()
    assert len(overrides) == 1

    other = checked(app, people.employer, people.owner)
    with app.test_request_context(method="POST"):
        identity.decide(other, people.official, approve=True)
    people.employer.verification_state = VerificationState.SUBMITTED
    db.session.commit()
    as_user(client, people.official)
    assert post_form(client, url, {"decision": "approved"}).status_code == 302
    assert (
        len(
            db.session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.action == "employer.approve_without_identity"
                )
            ).all()
        )
        == 1
    )  # still only the earlier override


def test_snapshot_files_outside_the_list_are_never_served(app, client, people):
    check = checked(app, people.employer, people.owner)
    write_snapshots(app, check, ["hidden.jpg"])
    as_user(client, people.owner)
    assert client.get(f"/video/identity/{check.id}/snapshots/hidden.jpg").status_code == 404
    assert client.get(f"/video/identity/{check.id}/snapshots/..%2Faaaa.jpg").status_code == 404


def test_a_check_without_snapshots_cannot_be_approved(app, client, people):
    check = checked(app, people.employer, people.owner, names=())
    as_user(client, people.official)
    response = post_form(
        client, f"/video/identity/{check.id}/decide", {"identity-decision": "approve"}
    )
    assert response.status_code == 422
    assert "cannot be approved" in response.get_data(as_text=True)
    db.session.refresh(check)
    assert check.state == IdentityState.CHECKED
    rejected = post_form(
        client,
        f"/video/identity/{check.id}/decide",
        {"identity-decision": "reject", "identity-reasons": "No picture of the face."},
    )
    assert rejected.status_code in (302, 303)
    db.session.refresh(check)
    assert check.state == IdentityState.REJECTED
