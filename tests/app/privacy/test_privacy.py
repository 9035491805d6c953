"""Consent, export, deletion, password change, notification mail: the privacy settings."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.alerts import service as alerts
from app.chat import service as chat
from app.cli import main
from app.extensions import db
from app.models import (
    AlertFrequency,
    Application,
    AuditEntry,
    Conversation,
    DataExport,
    EmployerMember,
    ExportStatus,
    Favourite,
    MemberRole,
    Message,
    Notification,
    Resume,
    ResumeFile,
    Role,
    SavedSearch,
    SignIn,
    User,
    Visibility,
    utcnow,
)
from app.notifications.service import notify
from app.privacy import service
from app.privacy.devices import describe
from app.privacy.notice import NOTICE_VERSION
from app.privacy.tasks import sweep
from app.resumes import service as resumes
from app.uploads import folder
from tests import factories
from tests.web import as_user, csrf_token, login, post_form


def actions(user_or_export) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(
                AuditEntry.object_type == user_or_export.__tablename__,
                AuditEntry.object_id == str(user_or_export.id),
            )
            .order_by(AuditEntry.id)
        )
    )


def seeker_with_history():
    """A seeker with a résumé, an uploaded file and an application."""
    seeker = factories.user(Role.SEEKER, name="王芳", phone="13900001111")
    resume = factories.resume(seeker, headline="会计")
    (folder() / "abc123.pdf").write_bytes(b"%PDF-1.4 my cv")
    db.session.add(
        ResumeFile(
            user_id=seeker.id,
            filename="我的简历.pdf",
            stored_name="abc123.pdf",
            content_type="application/pdf",
            size=14,
        )
    )
    job = factories.job(factories.employer())
    application = factories.application(seeker, job, resume_id=resume.id, answers=["是"])
    db.session.commit()
    return seeker, resume, application


def register(client, **extra):
    data = {
        "name": "张三",
        "email": "new@example.com",
        "password": "s3cret-pass",
        "confirm": "s3cret-pass",
        "role": "seeker",
        **extra,
    }
    return post_form(client, "/auth/register", data)


def test_sign_up_asks_for_the_privacy_notice_and_records_its_version(client):
    refused = register(client)
    assert refused.status_code == 422
    assert "Accept the privacy notice to sign up." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(User)) is None
    assert register(client, accept_privacy="y").status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.privacy_notice_version == NOTICE_VERSION
    assert user.privacy_accepted_at is not None
    assert "consent.privacy_notice" in actions(user)


def test_a_changed_notice_is_asked_again_before_any_page(client):
    user = factories.user(Role.SEEKER, privacy_notice_version=NOTICE_VERSION - 1)
    token = create_api_token(user, "t")
    db.session.commit()
    assert login(client, user.email, factories.PASSWORD).status_code == 302
    page = client.get("/resumes/mine")
    assert page.status_code == 303
    assert page.headers["Location"].startswith("/privacy/consent?next=/resumes/mine")
    form = client.get(page.headers["Location"])
    assert "I have read and accept the privacy notice" in form.get_data(as_text=True)
    # Programs are not sent to a page.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    accepted = post_form(client, "/privacy/consent?next=/resumes/mine", {"accept": "y"})
    assert (accepted.status_code, accepted.headers["Location"]) == (303, "/resumes/mine")
    assert client.get("/resumes/mine").status_code == 200
    db.session.refresh(user)
    assert user.privacy_notice_version == NOTICE_VERSION


def test_seeker_exports_everything_in_a_zip_that_expires(app, client, worker):
    seeker, resume, application = seeker_with_history()
    as_user(client, seeker)
    assert (
        post_form(
            client, "/settings/privacy/exports", {}, token_from="/settings/privacy"
        ).status_code
        == 303
    )
    export = db.session.scalar(sa.select(DataExport))
    assert export.status == ExportStatus.PENDING
    assert worker() == 1
    db.session.refresh(export)
    assert export.status == ExportStatus.READY
    assert export.expires_at - export.ready_at == timedelta(hours=24)

    page = client.get("/settings/privacy").get_data(as_text=True)
    link = page.split('class="download" href="', 1)[1].split('"', 1)[0]
    client.post(
        "/auth/logout", data={"csrf_token": csrf_token(client, "/")}
    )  # the link itself is the key
    download = client.get(link.replace("http://yunpin.test", ""))
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    data = json.loads(archive.read("yunpin-data.json"))
    assert data["account"]["email"] == seeker.email
    assert data["account"]["phone"] == "13900001111"
    assert [r["headline"] for r in data["resumes"]] == ["会计"]
    assert [a["id"] for a in data["applications"]] == [application.id]
    assert "password_hash" not in json.dumps(data)
    assert archive.read(f"files/resume-files/{data['resume_files'][0]['id']}-我的简历.pdf") == (
        b"%PDF-1.4 my cv"
    )
    assert actions(export) == ["export.request", "export.ready", "export.download"]

    db.session.execute(sa.update(DataExport).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(link.replace("http://yunpin.test", "")).status_code == 404
    assert sweep()["exports_expired"] == 1
    assert not (folder() / export.stored_name).exists() if export.stored_name else True
    assert client.get("/privacy/exports/forged-token").status_code == 404


def test_api_export_and_deletion(app, client, worker):
    seeker, _resume, _application = seeker_with_history()
    auth = {"Authorization": "Bearer " + create_api_token(seeker, "t")}
    db.session.commit()
    started = client.post("/api/v1/me/exports", headers=auth)
    assert started.status_code == 202
    assert started.json == {"id": started.json["id"], "status": "pending"}
    state = client.get(f"/api/v1/me/exports/{started.json['id']}", headers=auth).json
    assert (state["status"], state["download_url"]) == ("pending", None)
    worker()
    state = client.get(f"/api/v1/me/exports/{started.json['id']}", headers=auth).json
    assert state["status"] == "ready"
    assert client.get(state["download_url"].replace("http://yunpin.test", "")).status_code == 200

    other = factories.user(Role.SEEKER)
    other_auth = {"Authorization": "Bearer " + create_api_token(other, "t")}
    db.session.commit()
    assert (
        client.get(f"/api/v1/me/exports/{started.json['id']}", headers=other_auth).status_code
        == 404
    )

    deleted = client.delete("/api/v1/me", headers=auth, json={"password": factories.PASSWORD})
    assert deleted.status_code == 202
    db.session.refresh(seeker)
    assert deleted.json == {"delete_after": seeker.delete_after.isoformat() + "Z"}
    assert timedelta(days=6, hours=23) < seeker.delete_after - utcnow() <= timedelta(days=7)


def test_deletion_waits_for_the_grace_period_then_erases_and_anonymises(app, client):
    seeker, resume, application = seeker_with_history()
    email = seeker.email
    notify(seeker, "welcome", email=False)
    as_user(client, seeker)
    wrong = post_form(
        client, "/settings/privacy/delete", {"password": "nope"}, token_from="/settings/privacy"
    )
    assert wrong.status_code == 403
    asked = post_form(
        client,
        "/settings/privacy/delete",
        {"password": factories.PASSWORD},
        token_from="/settings/privacy",
    )
    assert asked.status_code == 303
    db.session.refresh(seeker)
    assert seeker.delete_after is not None
    assert sweep()["erased"] == 0  # still in the grace period
    assert "Keep my account" in client.get("/settings/privacy").get_data(as_text=True)

    db.session.execute(
        sa.update(User)
        .where(User.id == seeker.id)
        .values(delete_after=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert sweep()["erased"] == 1
    db.session.expire_all()
    erased = db.session.get(User, seeker.id)
    assert erased.name == service.ERASED_NAME
    assert "@" in erased.email and "example.com" not in erased.email
    assert (erased.phone, erased.active, erased.deleted_at is not None) == (None, False, True)
    assert db.session.get(Resume, resume.id) is None
    assert db.session.scalar(sa.select(ResumeFile)) is None
    assert not (folder() / "abc123.pdf").exists()
    assert db.session.scalar(sa.select(Notification)) is None
    kept = db.session.get(Application, application.id)
    assert (kept.resume_id, kept.answers) == (None, [])

    assert "account.erase" in actions(erased) and "account.delete_request" in actions(erased)
    assert login(client, email, factories.PASSWORD).status_code == 401


def test_deletion_can_be_cancelled(client):
    seeker = factories.user(Role.SEEKER)
    as_user(client, seeker)
    post_form(
        client,
        "/settings/privacy/delete",
        {"password": factories.PASSWORD},
        token_from="/settings/privacy",
    )
    cancelled = post_form(
        client, "/settings/privacy/delete/cancel", {}, token_from="/settings/privacy"
    )
    assert cancelled.status_code == 303
    db.session.refresh(seeker)
    assert seeker.delete_after is None
    assert actions(seeker)[-2:] == ["account.delete_request", "account.delete_cancel"]


def test_password_change_checks_the_current_one_and_signs_out_other_devices(app, client):
    user = factories.user(Role.SEEKER)
    token = create_api_token(user, "an old integration")
    as_user(client, user)
    # Another browser's sign-in (app/security.py: its row is what keeps it signed in).
    db.session.add(SignIn(user_id=user.id, key_hash="0" * 64, user_agent="other phone"))
    db.session.commit()
    wrong = post_form(
        client,
        "/settings/security",
        {"current": "wrong-one", "password": "brand-new-pass", "confirm": "brand-new-pass"},
    )
    assert wrong.status_code == 403
    changed = post_form(
        client,
        "/settings/security",
        {"current": factories.PASSWORD, "password": "brand-new-pass", "confirm": "brand-new-pass"},
    )
    assert changed.status_code == 303
    page = client.get("/settings/security")
    assert page.status_code == 200  # this device stays in
    assert "Your API token was revoked" in page.get_data(as_text=True)
    agents = db.session.scalars(sa.select(SignIn.user_agent).where(SignIn.user_id == user.id))
    assert "other phone" not in list(agents)  # the other is out
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401  # tokens too
    assert "user.password_change" in actions(user)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, user.email, "brand-new-pass").status_code == 302


def test_devices_are_listed_with_this_one_marked(client):
    user = factories.user(Role.SEEKER)
    as_user(client, user)
    page = client.get("/settings/security").get_data(as_text=True)
    assert page.count("This device") == 1


def test_notification_mail_can_be_turned_off_and_resume_consent_withdrawn(app, client, worker):
    seeker = factories.user(Role.SEEKER)
    public = factories.resume(seeker, visibility=Visibility.PUBLIC)
    seeker.resume_consent_at = utcnow()
    as_user(client, seeker)
    saved = post_form(client, "/settings/privacy/preferences", {}, token_from="/settings/privacy")
    assert saved.status_code == 303
    db.session.refresh(seeker)
    db.session.refresh(public)
    assert (seeker.notify_email, seeker.resume_consent_at) == (False, None)
    assert public.visibility == Visibility.APPLIED
    assert actions(seeker)[-2:] == ["user.notification_settings", "consent.resume_visibility"]
    notify(seeker, "welcome")
    db.session.commit()
    assert worker() == 0  # no mail queued
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


@pytest.mark.parametrize("path", ["/settings/privacy", "/settings/security"])
def test_settings_pages_need_a_login(client, path):
    assert client.get(path).status_code == 302


def test_privacy_sweep_command_erases_due_accounts(runner):
    seeker = factories.user(Role.SEEKER, delete_after=utcnow() - timedelta(hours=1))
    db.session.commit()
    result = runner.invoke(main, ["privacy", "sweep"])
    assert result.exit_code == 0, result.output
    assert "erased 1 accounts" in result.output
    db.session.refresh(seeker)
    assert seeker.deleted_at is not None and not seeker.active


def test_conversations_searches_and_favourites_are_exported_then_erased(app, client, worker):
    """What came with conversations and alerts is in the export; after the erasure the employer
    keeps its side of the conversation, not what the candidate wrote."""

    seeker, _resume, application = seeker_with_history()
    job = application.job
    owner = factories.user(Role.EMPLOYER)
    db.session.add(EmployerMember(employer=job.employer, user_id=owner.id, role=MemberRole.OWNER))
    conversation, _made = chat.open_for_job(seeker, job)
    chat.send(conversation, seeker, "我的电话是13900001111")
    chat.send(conversation, owner, "好的，明天联系您")
    alerts.save(seeker, "会计", "会计", {}, AlertFrequency.DAILY)
    alerts.favour(seeker, job)
    notify(
        owner,
        "application_received",
        f"/applications/review/{application.id}",
        email=False,
        candidate=seeker.name,
        job=job.title,
    )
    db.session.commit()

    data = service_export_json(client, seeker, worker)
    assert [c["id"] for c in data["conversations"]] == [conversation.id]
    assert [m["text"] for m in data["messages"]] == ["我的电话是13900001111", "好的，明天联系您"]
    assert [s["name"] for s in data["saved_searches"]] == ["会计"]
    assert [f["job_id"] for f in data["favourite_jobs"]] == [job.id]

    seeker.delete_after = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert sweep()["erased"] == 1
    db.session.expire_all()
    texts = db.session.execute(
        sa.select(Message.side, Message.text, Message.kind).order_by(Message.id)
    ).all()
    assert [tuple(t) for t in texts] == [
        ("candidate", "", service.ERASED_MESSAGE),
        ("employer", "好的，明天联系您", "text"),
    ]
    assert db.session.get(Conversation, conversation.id) is not None
    assert db.session.scalar(sa.select(SavedSearch)) is None
    assert db.session.scalar(sa.select(Favourite)) is None
    received = db.session.scalar(sa.select(Notification).where(Notification.user_id == owner.id))
    assert received.params["candidate"] == service.ERASED_NAME  # the employer's bell forgets too
    as_user(client, owner)
    page = client.get(f"/conversations/{conversation.id}").get_data(as_text=True)
    assert "13900001111" not in page and "Deleted with the account that wrote it." in page


def service_export_json(client, user, worker) -> dict:
    """USER's export, asked for in the settings and built by the worker."""
    as_user(client, user)
    post_form(client, "/settings/privacy/exports", {}, token_from="/settings/privacy")
    assert worker() >= 1
    page = client.get("/settings/privacy").get_data(as_text=True)
    link = page.split('class="download" href="', 1)[1].split('"', 1)[0]
    archive = zipfile.ZipFile(io.BytesIO(client.get(link.replace("http://yunpin.test", "")).data))
    return json.loads(archive.read("yunpin-data.json"))


def test_making_a_resume_public_is_the_separate_consent_to_being_found(client):
    """The privacy notice does not cover being found by employers: choosing "visible to
    verified employers" records that consent on its own, with its source."""
    seeker = factories.user(Role.SEEKER)
    resume = factories.resume(seeker, visibility=Visibility.APPLIED)
    db.session.commit()
    assert not service.resume_consent_given(seeker)
    resumes.save(seeker, resume, {"visibility": Visibility.PUBLIC})
    db.session.commit()
    assert seeker.resume_consent_at is not None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "consent.resume_visibility")
    )
    assert entry.data == {"given": True, "via": "resume"}


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36",
            "Chrome · Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40 NetType/WIFI",
            "WeChat · iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
            "Edge · Windows",
        ),
        ("curl/8.5.0", None),
        (None, None),
    ],
)
def test_devices_are_named_by_browser_and_system(agent, shown):
    assert describe(agent) == shown
