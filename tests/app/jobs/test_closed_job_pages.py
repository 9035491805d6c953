"""A closed job, as a candidate who applied reads it: closed, since when, no apply-by date, and
withdrawing offered only while the employer may still act on the application (the job closed
by its apply-by date, or an offer standing on a job whose hiring ended), in words that do not
pretend the job is open."""

from __future__ import annotations

from datetime import date, datetime

from app.accounts.service import create_api_token
from app.extensions import db
from app.jobs import service as jobs
from app.models import Application, Job, JobStatus, Role, Stage, User
from tests import factories
from tests.web import as_user, post_form

EN = {"Accept-Language": "en"}
CLOSED_AT = datetime(2026, 12, 1, 4, 0)  # noon in Beijing: 1 December in every zone used
WITHDRAW = "Withdraw my application"


def applied(stage: Stage, deadline: date | None = date(2026, 12, 31)):
    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner), deadline=deadline)
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job, stage=stage)
    db.session.commit()
    return owner, job, candidate, application


def closed_by_employer(client, owner, job: Job) -> None:
    as_user(client, owner)
    response = post_form(
        client, f"/employers/mine/jobs/{job.id}/close", {"confirmed": "1"}, "/employers/mine"
    )
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED and job.closed_at is not None
    job.closed_at = CLOSED_AT
    db.session.commit()


def pages(client, candidate, job: Job, application) -> tuple[str, str]:
    as_user(client, candidate)
    posting = client.get(f"/jobs/{job.id}", headers=EN)
    detail = client.get(f"/applications/{application.id}", headers=EN)
    assert posting.status_code == detail.status_code == 200
    return posting.get_data(as_text=True), detail.get_data(as_text=True)


def test_a_job_its_employer_closed_says_since_when_and_offers_no_pointless_withdraw(client):
    owner, job, candidate, application = applied(Stage.INTERVIEW)
    as_user(client, candidate)
    open_page = client.get(f"/jobs/{job.id}", headers=EN).get_data(as_text=True)
    assert "Apply by December 31, 2026" in open_page
    closed_by_employer(client, owner, job)

    posting, detail = pages(client, candidate, job, application)
    notice = "This job was closed on December 1, 2026: it no longer takes applications."
    assert notice in posting and notice in detail
    assert "Apply by" not in posting
    assert WITHDRAW not in detail  # the employer ended the hiring: nothing left to withdraw from
    assert "You can apply again" not in detail


def test_withdrawing_once_the_hiring_ended_is_refused_by_page_and_api_alike(client):
    owner, job, candidate, application = applied(Stage.SCREENING)
    closed_by_employer(client, owner, job)
    as_user(client, candidate)
    url = f"/applications/{application.id}"
    page = post_form(client, f"{url}/withdraw", {}, url, headers=EN)
    assert page.status_code == 409
    assert "This application can no longer be withdrawn." in page.get_data(as_text=True)
    token = create_api_token(db.session.get(User, candidate.id), "tests")
    api = client.post(f"/api/v1{url}/withdraw", headers={**EN, "Authorization": f"Bearer {token}"})
    assert api.status_code == 409
    assert api.get_json()["detail"] == "This application can no longer be withdrawn."
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == Stage.SCREENING


def test_an_offer_on_a_closed_job_may_still_be_declined(client):
    owner, job, candidate, application = applied(Stage.OFFER)
    closed_by_employer(client, owner, job)
    _posting, detail = pages(client, candidate, job, application)
    assert WITHDRAW in detail
    assert "The employer closed this job but may still honour its offer." in detail
    assert "You can apply again" not in detail
    response = post_form(
        client, f"/applications/{application.id}/withdraw", {}, f"/applications/{application.id}"
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert application.stage == Stage.WITHDRAWN


def test_a_job_past_its_apply_by_date_is_still_being_decided(client):
    _owner, job, candidate, application = applied(Stage.SCREENING, deadline=date(2026, 1, 1))
    assert jobs.close_expired() == 1
    db.session.get(Job, job.id).closed_at = CLOSED_AT
    db.session.commit()
    posting, detail = pages(client, candidate, job, application)
    notice = (
        "Applications closed on December 1, 2026. "
        "The employer is still choosing among those who applied."
    )
    assert notice in posting and notice in detail
    assert "Apply by" not in posting
    assert WITHDRAW in detail
    assert "You cannot apply again: the job no longer takes applications." in detail
    assert "You can apply again" not in detail
