"""The API says of each application whether its candidate may withdraw it, as the
application's page offers it (`service.may_withdraw`), and a withdrawal it says is possible is
accepted, one it says is not refused: before, a client could tell only by the stage."""

from __future__ import annotations

from datetime import date

from app.accounts.service import create_api_token
from app.extensions import db
from app.jobs import service as jobs
from app.models import Stage, User
from tests import factories
from tests.app.jobs.test_closed_job_pages import EN, WITHDRAW, applied, closed_by_employer
from tests.web import as_user


def test_the_api_says_which_applications_may_be_withdrawn_as_the_page_offers_it(client):
    owner, ended, candidate, screening = applied(Stage.SCREENING)
    offer = factories.application(candidate, factories.job(ended.employer), stage=Stage.OFFER)
    past_date = factories.application(
        candidate, factories.job(ended.employer, deadline=date(2026, 1, 1)), stage=Stage.SCREENING
    )
    open_job = factories.application(candidate, factories.job(ended.employer))
    rejected = factories.application(
        candidate, factories.job(ended.employer), stage=Stage.REJECTED
    )
    db.session.commit()
    assert jobs.close_expired() == 1  # past its apply-by date: the employer still chooses
    closed_by_employer(client, owner, ended)
    closed_by_employer(client, owner, offer.job)
    expected = {
        screening.id: False,  # the employer ended the hiring
        offer.id: True,  # an offer stands after it
        past_date.id: True,
        open_job.id: True,
        rejected.id: False,
    }

    as_user(client, candidate)
    for application_id, may in expected.items():
        page = client.get(f"/applications/{application_id}", headers=EN).get_data(as_text=True)
        assert (WITHDRAW in page) is may, application_id

    token = create_api_token(db.session.get(User, candidate.id), "tests")
    db.session.commit()
    api = {**EN, "Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/applications", headers=api).get_json()["items"]
    assert {item["id"]: item["may_withdraw"] for item in listed} == expected
    for application_id, may in expected.items():
        one = client.get(f"/api/v1/applications/{application_id}", headers=api).get_json()
        assert one["may_withdraw"] is may
        answer = client.post(f"/api/v1/applications/{application_id}/withdraw", headers=api)
        assert answer.status_code == (200 if may else 409), application_id
        if may:
            assert answer.get_json()["stage"] == "withdrawn"
            assert answer.get_json()["may_withdraw"] is False  # done: nothing left to withdraw
