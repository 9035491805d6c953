"""Withdrawing through the API from the candidate's side: refused once the employer ended the
hiring (409, in the page's words, in English and Chinese), an offer still withdrawn, a job past
its apply-by date still withdrawn from; and each application says whether its candidate may
withdraw it, as its page offers it (`service.may_withdraw`): before, a client could tell only
by the stage."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.service import create_api_token
from app.extensions import db
from app.jobs import service as jobs
from app.models import Application, Stage, User
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
    rejected = factories.application(candidate, factories.job(ended.employer), stage=Stage.REJECTED)
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


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "This application can no longer be withdrawn."), ("zh", "该投递已无法撤回。")],
)
def test_no_withdrawal_once_the_employer_ended_the_hiring(app, client, lang, said):
    owner, job, candidate, application = applied(Stage.SCREENING)
    closed_by_employer(client, owner, job)
    token = create_api_token(db.session.get(User, candidate.id), "tests")
    db.session.commit()
    refused = app.test_client().post(  # a program of the candidate's, not the owner's browser
        f"/api/v1/applications/{application.id}/withdraw",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
    )
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == said
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == Stage.SCREENING
