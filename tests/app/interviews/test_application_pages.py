"""Interviews on the application pages: proposing one moves the application to the interview
stage, the candidate's application links to it, the employer's review page shows it with the
team's scorecards."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Interview, Scorecard, Stage
from tests.web import as_user

from .helpers import local_slot, propose, world


def test_proposing_an_interview_moves_the_application_and_both_pages_link_it(app, client):
    w = world()
    application = w["application"]
    application.stage = Stage.SCREENING
    db.session.commit()
    as_user(client, w["owner"])
    assert propose(client, application.id, [local_slot(5)]).status_code in (302, 303)
    db.session.expire_all()
    assert application.stage == Stage.INTERVIEW
    interview = db.session.scalars(select(Interview)).one()
    db.session.add(
        Scorecard(
            interview_id=interview.id,
            application_id=application.id,
            author_id=w["colleague"].id,
            rating=4,
            recommendation="yes",
            notes="Clear answers about the warehouse system.",
        )
    )
    db.session.commit()

    review = client.get(f"/applications/review/{application.id}").get_data(as_text=True)
    assert f"/video/interviews/{interview.id}" in review
    assert "Clear answers about the warehouse system." in review and "4 of 5" in review

    as_user(client, w["candidate"])
    mine = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/video/interviews/{interview.id}"' in mine
    assert "Clear answers" not in mine  # scorecards are the team's only


def test_times_on_pages_say_their_zone_in_words(app, client):
    w = world()
    w["application"].stage = Stage.NEW
    db.session.commit()
    as_user(client, w["owner"])  # Asia/Shanghai
    propose(client, w["application"].id, [local_slot(5)])  # a stage change, with its time
    review = client.get(f"/applications/review/{w['application'].id}").get_data(as_text=True)
    assert "Beijing time" in review and "Asia/Shanghai" not in review
