"""Locking others out of an account cancels its data exports (two outside testers' finding: a
download link copied before a password change, a reset or "sign out other devices" still gave
the whole zip, with no cookie, for the rest of its 24 hours)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import AuditEntry, DataExport, ExportStatus, Role, User, utcnow
from app.privacy import export, service, tasks
from app.security import make_link_token
from app.uploads import folder
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, login, post_form, sign_out

NEW_PASSWORD = "brand-new-pass"
GONE = "This download link no longer works"


def change_password(owner, _user) -> str:
    new = {"current": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post_form(owner, "/settings/security", new).status_code == 303
    return NEW_PASSWORD


def reset_password(owner, user) -> str:
    sign_out(owner)  # forgot it: the link comes by mail
    new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post_form(owner, f"/auth/reset/{make_link_token('reset', user)}", new).status_code == 302
    return NEW_PASSWORD


def sign_out_others(owner, _user) -> str:
    ended = post_form(owner, "/settings/sign-out-others", {}, token_from="/settings")
    assert ended.status_code == 303
    return factories.PASSWORD


LOCK_OUTS = {
    "user.password_change": change_password,
    "user.password_reset": reset_password,
    "user.sign_out_others": sign_out_others,
}


def browser(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def download_link(client) -> str:
    page = client.get("/settings/privacy").get_data(as_text=True)
    return (
        page.split('class="download" href="', 1)[1]
        .split('"', 1)[0]
        .replace("http://yunpin.test", "")
    )


def exports_of(user) -> list[DataExport]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id)
        )
    )


def zips() -> list[str]:
    return sorted(path.name for path in folder().glob("*.zip"))


@pytest.mark.parametrize("action", LOCK_OUTS)
def test_locking_others_out_cancels_the_exports_and_a_new_one_works(app, client, worker, action):
    user = factories.user(Role.SEEKER, name="王芳", phone="13900001111")
    factories.resume(user, headline="会计")
    db.session.commit()
    as_user(client, user)  # the owner
    intruder = browser(app)
    as_user(intruder, user)  # someone who had the password, signed in elsewhere

    # The intruder asks for a copy and keeps its link; then uses up the hour's allowance
    # (through the API, in life), the last one still being built.
    asked = post_form(intruder, "/settings/privacy/exports", {}, token_from="/settings/privacy")
    assert asked.status_code == 303
    assert worker() == 1
    kept = download_link(intruder)
    anyone = browser(app)
    assert anyone.get(kept).status_code == 200  # no cookie: the link is the key
    for _n in range(service.EXPORTS_PER_HOUR - 2):
        service.request_export(user, via="api")
        db.session.execute(
            sa.update(DataExport)
            .where(DataExport.status == ExportStatus.PENDING)
            .values(status=ExportStatus.READY, expires_at=utcnow() + timedelta(hours=24))
        )
        db.session.commit()
    service.request_export(user, via="api")
    db.session.commit()
    assert len(exports_of(user)) == service.EXPORTS_PER_HOUR
    assert len(zips()) == 1

    password = LOCK_OUTS[action](client, user)

    gone = anyone.get(kept)
    assert gone.status_code == 404
    assert gone.mimetype == "text/html" and GONE in gone.get_data(as_text=True)
    assert zips() == []  # the file is deleted, not only the link refused
    assert {e.status for e in exports_of(user)} == {ExportStatus.REVOKED}
    assert all(e.stored_name is None for e in exports_of(user))
    reasons = db.session.scalars(
        sa.select(AuditEntry.data["reason"].as_string()).where(AuditEntry.action == "export.revoke")
    ).all()
    assert reasons == [action] * service.EXPORTS_PER_HOUR
    worker()  # the jobs of the revoked ones find nothing to do
    assert {e.status for e in exports_of(user)} == {ExportStatus.REVOKED}
    assert intruder.get("/settings/privacy").status_code == 302  # out, and their link too

    # The owner sees why, and asks again at once: revoked exports are not counted.
    sign_out(client)
    assert login(client, user.email, password).status_code == 302
    page = client.get("/settings/privacy").get_data(as_text=True)
    assert page.count("Cancelled when the password changed") == service.EXPORTS_PER_HOUR
    asked = post_form(client, "/settings/privacy/exports", {}, token_from="/settings/privacy")
    assert asked.status_code == 303
    assert worker() == 1
    fresh = download_link(client)
    download = anyone.get(fresh)
    assert (download.status_code, download.mimetype) == (200, "application/zip")

    bearer = {"Authorization": "Bearer " + create_api_token(user, "after")}
    db.session.commit()
    first = exports_of(user)[0]
    state = client.get(f"/api/v1/me/exports/{first.id}", headers=bearer).get_json()
    assert (state["status"], state["download_url"]) == ("revoked", None)


def test_an_export_finished_while_the_account_locks_others_out_stays_revoked(app):
    """The worker writing the zip and the password change at once: whichever commits first,
    the export ends revoked with no file left (on PostgreSQL they truly overlap; on SQLite
    the write lock puts one after the other)."""
    user = factories.user(Role.SEEKER)
    db.session.commit()
    user_id = user.id
    for _round in range(3):
        made = service.request_export(user, via="settings")
        db.session.commit()
        export_id = made.id

        def work(n: int, export_id: int = export_id) -> object:
            if n == 0:
                return export.revoke_exports(db.session.get(User, user_id), "user.password_change")
            return tasks.build_export(export_id)

        assert refusals(at_once(app, 2, work)) == 0
        item = db.session.get(DataExport, export_id)
        assert (item.status, item.stored_name) == (ExportStatus.REVOKED, None)
        assert zips() == []
        assert service.read_export_token(service.export_token(item)) is None
        user = db.session.get(User, user_id)


def test_an_unknown_link_gets_the_same_page(client):
    gone = client.get("/privacy/exports/forged-token")
    assert gone.status_code == 404
    assert GONE in gone.get_data(as_text=True)
