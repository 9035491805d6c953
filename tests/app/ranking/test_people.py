"""People to invite: visibility rules, masked contacts, inviting, and who may see the page."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, Role, Visibility
from tests import factories
from tests.web import as_user, csrf_token

from .helpers import employer_with_job, seeker


def test_people_to_invite_respect_visibility_and_mask_contacts(client):
    owner, employer, job = employer_with_job()
    other_job = factories.job(employer, title="Java架构师")
    _public, public = seeker(contact_phone="13812345678")
    _applied, applied = seeker(visibility=Visibility.APPLIED)
    applied_here_user, applied_here = seeker(visibility=Visibility.APPLIED)
    hidden_user, hidden = seeker(visibility=Visibility.HIDDEN)
    factories.application(applied_here_user, other_job)
    factories.application(hidden_user, other_job)
    db.session.commit()

    as_user(client, owner)
    page = client.get(f"/recommendations/jobs/{job.id}/people").get_data(as_text=True)
    assert f"/resumes/{public.id}" in page and f"/resumes/{applied_here.id}" in page
    assert f"/resumes/{applied.id}" not in page and f"/resumes/{hidden.id}" not in page
    assert "13812345678" not in page and "138****5678" in page
    assert "required skills" in page or "项技能" in page

    token = csrf_token(client, f"/recommendations/jobs/{job.id}/people")
    url = f"/recommendations/jobs/{job.id}/people/{{}}/invite"
    assert client.post(url.format(hidden.id), data={"csrf_token": token}).status_code == 404
    assert client.post(url.format(applied.id), data={"csrf_token": token}).status_code == 404
    assert (
        client.post(
            url.format(public.id), data={"csrf_token": token, "message": "欢迎"}
        ).status_code
        == 303
    )
    invitation = db.session.scalar(select(Invitation).where(Invitation.job_id == job.id))
    assert invitation.candidate_id == public.user_id and invitation.message == "欢迎"
    assert f"/people/{public.id}/invite" not in client.get(
        f"/recommendations/jobs/{job.id}/people"
    ).get_data(as_text=True)


def test_only_the_jobs_employer_sees_its_people(client):
    _owner, _employer, job = employer_with_job()
    stranger = factories.user(Role.EMPLOYER)
    factories.employer(stranger)
    person, _resume = seeker()
    db.session.commit()
    as_user(client, stranger)
    assert client.get(f"/recommendations/jobs/{job.id}/people").status_code == 404
    assert client.get("/recommendations/jobs/999999/people").status_code == 404
    token = csrf_token(client, "/")
    assert (
        client.post(
            f"/recommendations/jobs/{job.id}/people/{_resume.id}/invite", data={"csrf_token": token}
        ).status_code
        == 404
    )
    as_user(client, person)
    assert client.get(f"/recommendations/jobs/{job.id}/people").status_code == 403


def test_pipeline_links_to_people_to_invite(client):
    owner, _employer, job = employer_with_job()
    as_user(client, owner)
    assert f"/recommendations/jobs/{job.id}/people" in client.get(
        f"/applications/jobs/{job.id}"
    ).get_data(as_text=True)
