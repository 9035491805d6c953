"""A company whose last owner erases their account: a colleague takes over, or the company
waits, jobs paused, for an administrator to make another employer account its owner."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Employer,
    EmployerMember,
    Job,
    JobStatus,
    MemberRole,
    Notification,
    Role,
    User,
    utcnow,
)
from app.privacy.tasks import sweep
from tests import factories
from tests.web import as_user, post_form


def colleague(employer: Employer, **fields) -> User:
    user = factories.user(Role.EMPLOYER, **fields)
    db.session.add(EmployerMember(employer=employer, user_id=user.id, role=MemberRole.RECRUITER))
    db.session.flush()
    return user


def erase_now(user: User) -> None:
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(delete_after=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert sweep()["erased"] == 1
    db.session.expire_all()


def audited(action: str) -> AuditEntry:
    return db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == action))


def test_the_longest_serving_colleague_becomes_owner(client):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    first = colleague(employer, name="李娜")
    colleague(employer, name="后来者")
    job = factories.job(employer)
    as_user(client, owner)
    page = client.get("/settings/privacy").get_data(as_text=True)
    assert "when your account is erased, 李娜 becomes its owner" in page

    erase_now(owner)
    seats = dict(
        db.session.execute(
            sa.select(EmployerMember.user_id, EmployerMember.role).where(
                EmployerMember.employer_id == employer.id
            )
        ).all()
    )
    assert seats[first.id] == MemberRole.OWNER and owner.id not in seats
    assert db.session.get(Job, job.id).status == JobStatus.PUBLISHED  # the team goes on
    assert audited("employer.owner_succession").data == {
        "from_user": owner.id,
        "to_user": first.id,
    }
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == first.id))
    assert (note.kind, note.link) == ("company_owner", "/employers/mine/members")
    as_user(client, first)
    assert client.get("/employers/mine/members").status_code == 200


def test_another_owner_keeps_the_company_as_it_is(client):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    co_owner = factories.user(Role.EMPLOYER)
    db.session.add(EmployerMember(employer=employer, user_id=co_owner.id, role=MemberRole.OWNER))
    recruiter = colleague(employer)
    as_user(client, owner)
    assert 'id="company-after-deletion"' not in client.get("/settings/privacy").get_data(
        as_text=True
    )
    erase_now(owner)
    assert db.session.get(User, recruiter.id).membership.role == MemberRole.RECRUITER
    assert audited("employer.owner_succession") is None and audited("employer.ownerless") is None


def test_a_company_left_alone_waits_for_an_administrator(client):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, name="独资小店")
    published = factories.job(employer)
    draft = factories.job(employer, status=JobStatus.DRAFT)
    as_user(client, owner)
    page = client.get("/settings/privacy").get_data(as_text=True)
    assert "You are the only person at 独资小店" in page

    erase_now(owner)
    assert db.session.get(Employer, employer.id) is not None  # the company's records stay
    assert db.session.get(Job, published.id).status == JobStatus.PAUSED
    assert db.session.get(Job, draft.id).status == JobStatus.DRAFT
    assert client.get(f"/jobs/{published.id}").status_code == 404  # nobody would answer
    assert audited("employer.ownerless").data == {"from_user": owner.id, "jobs_paused": 1}

    admin = factories.user(Role.ADMIN)
    seeker = factories.user(Role.SEEKER, email="seeker@example.com")
    elsewhere = factories.user(Role.EMPLOYER, email="busy@example.com")
    factories.employer(elsewhere)
    successor = factories.user(Role.EMPLOYER, email="new.owner@example.com")
    as_user(client, admin)
    listing = client.get("/admin/employers/ownerless").get_data(as_text=True)
    assert "独资小店" in listing
    form = "/admin/employers/ownerless"
    assign = f"/admin/employers/{employer.id}/owner"
    for email, status in [
        ("nobody@example.com", 422),
        (seeker.email, 422),
        (elsewhere.email, 409),
        ("not an address", 422),
    ]:
        assert post_form(client, assign, {"email": email}, token_from=form).status_code == status
    done = post_form(client, assign, {"email": "New.Owner@example.com"}, token_from=form)
    assert done.status_code == 303
    assert db.session.get(User, successor.id).membership.employer_id == employer.id
    assert audited("employer.owner_assign").actor_id == admin.id
    assert f'id="company-{employer.id}"' not in client.get(form).get_data(as_text=True)
    again = post_form(client, assign, {"email": successor.email}, token_from=form)
    assert again.status_code == 409

    as_user(client, successor)
    assert client.get("/employers/mine/members").status_code == 200
    assert client.get("/notifications").status_code == 200
    assert client.get(f"/admin/employers/{employer.id}/owner").status_code == 405
