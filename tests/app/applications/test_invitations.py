"""Résumé search under visibility rules, invitations, and accepting one into an application."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Invitation, Notification, Role, Source, Visibility
from tests import factories
from tests.web import as_user, csrf_token

from .helpers import world


def seekers():
    shown = factories.user(name="公开")
    factories.resume(
        shown, headline="电焊工", skills=["焊接", "电工"], visibility=Visibility.PUBLIC
    )
    applied_only = factories.user(name="仅投递")
    factories.resume(
        applied_only, headline="焊工师傅", skills=["焊接"], visibility=Visibility.APPLIED
    )
    hidden = factories.user(name="隐藏")
    factories.resume(hidden, headline="焊工", skills=["焊接"], visibility=Visibility.HIDDEN)
    db.session.commit()
    return shown, applied_only, hidden


def resume_of(user):
    return db.session.scalar(select(factories.Resume).where(factories.Resume.user_id == user.id))


def test_search_respects_visibility_and_matches_chinese_skills(client):
    owner, _employer, job, _candidate = world()
    shown, applied_only, hidden = seekers()
    as_user(client, owner)
    page = client.get("/resumes/search?skills=焊接").get_data(as_text=True)
    assert f"/resumes/{resume_of(shown).id}" in page
    assert f"/resumes/{resume_of(applied_only).id}" not in page
    assert f"/resumes/{resume_of(hidden).id}" not in page
    assert client.get(f"/resumes/{resume_of(hidden).id}").status_code == 404
    assert client.get(f"/resumes/{resume_of(applied_only).id}").status_code == 404
    factories.application(applied_only, job)
    db.session.commit()
    page = client.get("/resumes/search?q=焊工").get_data(as_text=True)
    assert f"/resumes/{resume_of(applied_only).id}" in page
    assert f"/resumes/{resume_of(hidden).id}" not in page
    none = client.get("/resumes/search?skills=焊接,烹饪").get_data(as_text=True)
    assert f"/resumes/{resume_of(shown).id}" not in none


def test_unverified_employers_do_not_see_public_resumes(client):
    owner = factories.user(Role.EMPLOYER)
    factories.employer(owner, verified=False)
    shown, _applied_only, _hidden = seekers()
    as_user(client, owner)
    assert f"/resumes/{resume_of(shown).id}" not in client.get("/resumes/search").get_data(
        as_text=True
    )
    assert client.get(f"/resumes/{resume_of(shown).id}").status_code == 404


def test_invitation_accepted_becomes_an_application_and_unmasks_contacts(client, worker):
    owner, _employer, job, _candidate = world()
    shown, _applied_only, _hidden = seekers()
    resume = resume_of(shown)
    as_user(client, owner)
    page = client.get(f"/resumes/{resume.id}").get_data(as_text=True)
    assert "138****5678" in page
    token = csrf_token(client, f"/resumes/{resume.id}")
    url = f"/resumes/{resume.id}/invite"
    assert (
        client.post(
            url, data={"csrf_token": token, "job_id": job.id, "message": "欢迎"}
        ).status_code
        == 303
    )
    assert (
        client.post(url, data={"csrf_token": token, "job_id": job.id}).status_code == 303
    )  # idempotent
    invitation = db.session.scalar(select(Invitation))
    assert db.session.scalars(select(Invitation)).all() == [invitation]
    note = db.session.scalar(select(Notification).where(Notification.user_id == shown.id))
    assert note.kind == "invitation"
    assert worker() == 1

    as_user(client, shown)
    assert "欢迎" in client.get("/applications/invitations").get_data(as_text=True)
    token = csrf_token(client, "/applications/invitations")
    response = client.post(
        f"/applications/invitations/{invitation.id}", data={"csrf_token": token, "accept": "1"}
    )
    assert response.status_code == 303
    application = db.session.scalar(select(Application))
    assert application.source == Source.INVITATION and application.candidate_id == shown.id

    as_user(client, owner)
    assert "13812345678" in client.get(f"/resumes/{resume.id}").get_data(as_text=True)


def test_declining_an_invitation(client):
    owner, _employer, job, _candidate = world()
    shown, _applied_only, _hidden = seekers()
    invitation = Invitation(job_id=job.id, candidate_id=shown.id, invited_by_id=owner.id)
    db.session.add(invitation)
    db.session.commit()
    as_user(client, shown)
    token = csrf_token(client, "/applications/invitations")
    assert (
        client.post(
            f"/applications/invitations/{invitation.id}", data={"csrf_token": token, "accept": "0"}
        ).status_code
        == 303
    )
    db.session.refresh(invitation)
    assert invitation.accepted is False and db.session.scalar(select(Application)) is None
    other = factories.user()
    db.session.commit()
    as_user(client, other)
    token = csrf_token(client, "/")
    assert (
        client.post(
            f"/applications/invitations/{invitation.id}", data={"csrf_token": token, "accept": "1"}
        ).status_code
        == 404
    )
