"""Administration: accounts and officials' regions, and the audit-log viewer."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from app.dev.routes import read_outbox
from app.extensions import db
from app.models import AuditEntry, Role, User
from tests import factories
from tests.web import as_user, csrf_token, login, post_form

LINK = re.compile(r"https?://\S+")


def entries(page) -> str:
    """The audit log's table body (the filter form names every action too)."""
    text = page if isinstance(page, str) else page.get_data(as_text=True)
    return text[text.index("<tbody>") : text.index("</tbody>")]


def new_official(client, **fields):
    data = {
        "name": "江汉区人社局 赵丽",
        "email": "zhao@example.gov.cn",
        "role": "official",
        **fields,
    }
    return post_form(client, "/admin/users/new", data)


def test_an_administrator_creates_an_official_who_then_sees_only_their_region(app, client, worker):
    admin = factories.user(Role.ADMIN)
    in_region = factories.employer(region_code="420103002")
    elsewhere = factories.employer(region_code="420102001001")
    as_user(client, admin)
    assert new_official(client, region_code="420103").status_code == 303
    official = db.session.scalar(sa.select(User).where(User.email == "zhao@example.gov.cn"))
    assert (official.role, official.region_code) == (Role.OFFICIAL, "420103")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "admin.user_create"))
    assert (entry.actor_id, entry.object_id, entry.data["region_code"]) == (
        admin.id,
        str(official.id),
        "420103",
    )

    # The official sets a password through the mailed link, then logs in.
    assert worker() == 1
    (message,) = read_outbox()
    assert message["to"] == "zhao@example.gov.cn"
    path = LINK.search(message["body"]).group(0).replace("http://yunpin.test", "")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert (
        post_form(
            client, path, {"password": "official-pass-1", "confirm": "official-pass-1"}
        ).status_code
        == 302
    )
    assert login(client, "zhao@example.gov.cn", "official-pass-1").status_code == 302
    post_form(client, "/privacy/consent", {"accept": "y"})  # first page: the privacy notice

    assert client.get(f"/officials/employers/{in_region.id}").status_code == 200
    assert client.get(f"/officials/employers/{elsewhere.id}").status_code == 404
    assert client.get("/admin/users").status_code == 403


def test_an_official_needs_a_region_and_an_existing_one(client):
    as_user(client, factories.user(Role.ADMIN))
    missing = new_official(client, region_code="")
    assert missing.status_code == 422
    assert "An official needs the region" in missing.get_data(as_text=True)
    assert new_official(client, region_code="999999").status_code == 422
    assert db.session.scalar(sa.select(User).where(User.role == Role.OFFICIAL)) is None


def test_duplicate_email_is_refused(client):
    existing = factories.user(Role.SEEKER)
    as_user(client, factories.user(Role.ADMIN))
    response = new_official(client, email=existing.email, region_code="420103")
    assert response.status_code == 422


def test_change_role_region_and_disable_are_audited_and_end_sessions(client):
    admin = factories.user(Role.ADMIN)
    official = factories.user(Role.OFFICIAL, region_code="420102")
    as_user(client, admin)
    response = post_form(
        client,
        f"/admin/users/{official.id}",
        {"name": official.name, "role": "official", "region_code": "4201"},
    )  # "active" unticked: disabled
    assert response.status_code == 303
    db.session.refresh(official)
    assert (official.region_code, official.active) == ("4201", False)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "admin.user_change"))
    assert entry.data["changes"] == {"region_code": ["420102", "4201"], "active": ["True", "False"]}
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, official.email, factories.PASSWORD).status_code == 401


def test_an_administrator_cannot_remove_their_own_access(client):
    admin = factories.user(Role.ADMIN)
    as_user(client, admin)
    response = post_form(
        client, f"/admin/users/{admin.id}", {"name": admin.name, "role": "seeker", "active": "y"}
    )
    assert response.status_code == 409
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_user_list_searches(client):
    admin = factories.user(Role.ADMIN)
    factories.user(Role.SEEKER, email="findme@example.com")
    as_user(client, admin)
    page = client.get("/admin/users?q=findme").get_data(as_text=True)
    assert "findme@example.com" in page and admin.email not in page
    assert client.get("/admin/users?role=nonsense").status_code == 400


def test_audit_log_filters_and_csv(client):
    admin = factories.user(Role.ADMIN)
    seeker = factories.user(Role.SEEKER, email="actor@example.com")
    db.session.add_all(
        [
            AuditEntry(
                actor_id=seeker.id,
                action="job.create",
                object_type="jobs",
                object_id="7",
                data={"x": "=1+1"},
            ),
            AuditEntry(
                actor_id=admin.id,
                action="user.register",
                object_type="users",
                object_id="9",
                data={},
            ),
        ]
    )
    as_user(client, admin)
    rows = entries(client.get("/admin/audit?actor=actor@example.com"))
    assert "Job created" in rows and "Account registered" not in rows
    rows = entries(client.get("/admin/audit?object_type=users&object_id=9"))
    assert "Account registered" in rows and "Job created" not in rows
    assert "Job created" not in entries(
        client.get("/admin/audit?since=2001-01-01&until=2001-01-02")
    )
    assert client.get("/admin/audit?since=not-a-date").status_code == 400
    assert client.get(f"/admin/audit?actor={'1' * 5000}").status_code == 400  # too long
    # The action is chosen by name; the query keeps its code. A prefix still filters.
    page = client.get("/admin/audit?action=user.register").get_data(as_text=True)
    assert '<option selected value="user.register">Account registered</option>' in page
    assert "Job created" not in entries(page)
    rows = entries(client.get("/admin/audit?action=job."))
    assert "Job created" in rows and "Account registered" not in rows

    download = client.get(f"/admin/audit?format=csv&actor={seeker.id}")
    assert download.headers["Cache-Control"] == "private, no-store"
    text = download.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["id", "time (UTC)", "actor id", "actor email", "action"]
    assert [(r[3], r[4]) for r in rows[1:]] == [("actor@example.com", "job.create")]


def test_audit_log_says_actions_and_details_in_words_and_the_csv_keeps_codes(client):
    admin = factories.user(Role.ADMIN, email="admin@example.com")
    official = factories.user(Role.OFFICIAL, email="official@example.com")
    heir = factories.user(Role.EMPLOYER, email="heir@example.com")
    db.session.add_all(
        [
            AuditEntry(
                actor_id=admin.id,
                action="admin.user_change",
                object_type="users",
                object_id=str(official.id),
                data={
                    "changes": {
                        "role": ["seeker", "official"],
                        "region_code": ["None", "420103"],
                        "active": ["False", "True"],
                    }
                },
            ),
            AuditEntry(
                action="employer.owner_succession",
                object_type="employers",
                object_id="4",
                data={"from_user": official.id, "to_user": heir.id},
            ),
            AuditEntry(
                action="job.report",
                object_type="job_reports",
                object_id="2",
                data={"job_id": 17, "reason": "fees"},
            ),
            AuditEntry(
                action="job.pause",
                object_type="jobs",
                object_id="17",
                data={"previous": "published", "retired_key": "kept"},
            ),
            AuditEntry(
                action="legacy.thing", object_type="jobs", object_id="1", data={"via": "api"}
            ),
            AuditEntry(
                action="broadcast.reschedule",
                object_type="broadcasts",
                object_id="3",
                data={"starts_at": "2026-12-03T02:00:00", "previous": "2026-12-02T02:00:00"},
            ),
        ]
    )
    as_user(client, admin)
    rows = entries(client.get("/admin/audit"))
    assert "Account changed by an administrator" in rows
    assert "<dt>Role</dt><dd>Job seeker → Official</dd>" in rows
    assert "<dt>Region</dt><dd>– → Jianghan District, Wuhan, Hubei Province</dd>" in rows
    assert "<dt>Account enabled</dt><dd>No → Yes</dd>" in rows
    assert "<dt>Previous owner</dt><dd>official@example.com</dd>" in rows
    assert "<dt>New owner</dt><dd>heir@example.com</dd>" in rows
    assert "<dt>Reason</dt><dd>Asks candidates for money or deposits</dd>" in rows
    assert "<dt>Before</dt><dd>Published</dd>" in rows
    # times in the reader's zone, a broadcast's previous start time among them
    assert "<dt>Before</dt><dd>2026-12-02 10:00 Beijing time</dd>" in rows
    # what has no label is shown as stored
    assert "<dt>retired_key</dt><dd>kept</dd>" in rows
    assert "<code>legacy.thing</code>" in rows and "<dd>API</dd>" in rows
    assert "from_user" not in rows and "{" not in rows

    post_form(client, "/language", {"lang": "zh", "next": "/"}, token_from="/")
    refresh()  # the tests' shared app context keeps the locale it chose
    rows = entries(client.get("/admin/audit"))
    assert "管理员修改了账号" in rows and "<dt>角色</dt><dd>求职者 → 工作人员</dd>" in rows
    assert "<dt>原所有者</dt><dd>official@example.com</dd>" in rows
    assert "<dt>原因</dt><dd>向求职者收取费用或押金</dd>" in rows

    # The CSV is for programs: codes and the data as stored.
    text = client.get("/admin/audit?format=csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert {r[4] for r in rows[1:]} >= {"admin.user_change", "employer.owner_succession"}
    assert str({"from_user": official.id, "to_user": heir.id}) in {r[8] for r in rows[1:]}


@pytest.mark.parametrize("role", [Role.SEEKER, Role.EMPLOYER, Role.OFFICIAL])
def test_only_administrators(client, role):
    as_user(client, factories.user(role))
    for path in ("/admin/users", "/admin/users/new", "/admin/audit"):
        assert client.get(path).status_code == 403
