"""An employer closing a job: asked first with whom it affects, then the candidates of open
applications are told, planned interviews cancelled (rooms closed), and the job page stays
readable, marked closed, for those who applied; the API's close does the same."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.accounts.service import create_api_token
from app.extensions import db
from app.jobs import service as jobs
from app.models import (
    Application,
    Job,
    JobStatus,
    Notification,
    Role,
    Stage,
)
from tests import factories
from tests.app.interviews.helpers import world
from tests.app.jobs.affected import assert_closed_and_told, booked, kinds, more_applicants
from tests.web import as_user, post_form

DASHBOARD = "/employers/mine"


def test_closing_asks_first_then_tells_candidates_and_cancels_interviews(app, client):
    w = world()
    job, candidate = w["job"], w["candidate"]
    others = more_applicants(job)
    interview = booked(client, w)
    before = {person.id: len(kinds(person)) for person in (candidate, *others.values())}

    as_user(client, w["owner"])
    close = f"/employers/mine/jobs/{job.id}/close"
    page = post_form(client, close, {}, token_from=DASHBOARD, headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 open applications: their candidates are told the job is closed." in text
    assert "1 planned interview is cancelled" in text
    assert 'name="confirmed" value="1"' in text
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.PUBLISHED  # nothing happened yet
    assert len(kinds(candidate)) == before[candidate.id]

    response = post_form(client, close, {"confirmed": "1"}, token_from=DASHBOARD)
    assert response.status_code == 302
    assert_closed_and_told(app, job, interview, candidate, others, before, "job_closed")
    # The colleague who set the interview up hears of it; the owner who closed it does not.
    assert "interview_cancelled" in kinds(w["colleague"])
    assert "interview_cancelled" not in kinds(w["owner"])
    told = db.session.scalars(
        select(Notification).where(
            Notification.user_id == candidate.id, Notification.kind == "job_closed"
        )
    ).one()
    assert told.params == {"job": job.title, "employer": job.employer.name}
    assert told.link == f"/applications/{w['application'].id}"
    # The application keeps its stage (an offer may still stand).
    assert db.session.get(Application, w["application"].id).stage == Stage.INTERVIEW

    # Closing again is refused, not asked again.
    again = post_form(client, close, {"confirmed": "1"}, token_from=DASHBOARD)
    assert again.status_code == 303


def test_an_applicant_reads_the_closed_job_and_others_get_a_notice(client):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer, title="叉车司机")
    draft = factories.job(employer, status=JobStatus.DRAFT, title="仓库管理员")
    applicant = factories.user(Role.SEEKER)
    factories.resume(applicant)
    application = factories.application(applicant, job, stage=Stage.INTERVIEW)
    stranger = factories.user(Role.SEEKER)
    db.session.commit()
    as_user(client, owner)
    post_form(client, f"/employers/mine/jobs/{job.id}/close", {"confirmed": "1"}, DASHBOARD)
    post_form(client, f"/employers/mine/jobs/{draft.id}/close", {"confirmed": "1"}, DASHBOARD)
    db.session.expire_all()
    assert db.session.get(Job, draft.id).status == JobStatus.CLOSED
    en = {"Accept-Language": "en"}

    as_user(client, applicant)
    page = client.get(f"/jobs/{job.id}", headers=en)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This job was closed on " in text and ": it no longer takes applications." in text
    assert "负责后端开发" in text  # the posting itself
    assert f"/applications/apply/{job.id}" not in text  # no way to apply
    listing = client.get("/applications", headers=en).get_data(as_text=True)
    detail = client.get(f"/applications/{application.id}", headers=en).get_data(as_text=True)
    for shown in (listing, detail):
        assert 'class="state state-closed">Job closed<' in shown
    assert "Interview" in listing  # the stage is still said

    as_user(client, stranger)
    notice = client.get(f"/jobs/{job.id}", headers=en)
    assert notice.status_code == 410
    assert "This job is closed" in notice.get_data(as_text=True)
    assert "负责后端开发" not in notice.get_data(as_text=True)
    assert client.get(f"/jobs/{draft.id}").status_code == 404  # never public: nothing to say
    client.post("/auth/logout", data={"csrf_token": ""})
    assert client.get(f"/jobs/{job.id}").status_code == 410


def test_repost_of_an_open_job_asks_and_tells_like_closing(client):
    w = world()
    job = w["job"]
    as_user(client, w["owner"])
    repost = f"/employers/mine/jobs/{job.id}/repost"
    asked = post_form(client, repost, {}, token_from=DASHBOARD, headers={"Accept-Language": "en"})
    assert asked.status_code == 200 and "1 open application" in asked.get_data(as_text=True)
    assert db.session.scalar(select(Job).where(Job.id != job.id)) is None
    assert post_form(client, repost, {"confirmed": "1"}, token_from=DASHBOARD).status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.CLOSED
    assert "job_closed" in kinds(w["candidate"])
    # A closed job reposts at once: there is nobody left to tell.
    again = post_form(client, repost, {}, token_from=DASHBOARD)
    assert again.status_code == 302 and "/edit" in again.headers["Location"]


def test_the_api_close_tells_the_same_people(client):
    w = world()
    owner_token = create_api_token(w["owner"], "tests")
    candidate_token = create_api_token(w["candidate"], "tests")
    db.session.commit()
    response = client.post(
        f"/api/v1/jobs/{w['job'].id}/close", headers={"Authorization": f"Bearer {owner_token}"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    assert "job_closed" in kinds(w["candidate"])
    mine = client.get(
        f"/api/v1/applications/{w['application'].id}",
        headers={"Authorization": f"Bearer {candidate_token}"},
    )
    assert mine.status_code == 200
    assert mine.get_json()["job_status"] == "closed"
    assert mine.get_json()["stage"] == "interview"  # existing keys keep their meaning


def test_the_apply_by_date_closes_a_job_without_telling_anyone(client):
    w = world()
    w["job"].deadline = date(2026, 1, 1)
    db.session.commit()
    before = kinds(w["candidate"])
    assert jobs.close_expired() == 1
    db.session.commit()
    assert db.session.get(Job, w["job"].id).status == JobStatus.CLOSED
    assert kinds(w["candidate"]) == before  # the employer is still choosing among them
