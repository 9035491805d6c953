"""Each side reads an interview's status in its own words: the candidate is asked to pick a
time where the employer reads that the candidate is being waited for."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.interviews.routes import CANDIDATE_STATUS_LABELS, STATUS_LABELS
from app.models import Interview, InterviewStatus
from tests.web import as_user

from .helpers import local_slot, propose, world

EN = {"Accept-Language": "en"}
EMPLOYERS_WORDS = "Waiting for the candidate to pick a time"
CANDIDATES_WORDS = "Waiting for you to pick a time"


def test_a_proposed_interview_reads_from_each_side(app, client):
    w = world()
    as_user(client, w["owner"])
    assert propose(client, w["application"].id, [local_slot(48)]).status_code == 303
    interview = db.session.scalars(select(Interview)).one()

    candidate_pages = (f"/video/interviews/{interview.id}", f"/applications/{w['application'].id}")
    as_user(client, w["candidate"])
    for url in candidate_pages:
        shown = client.get(url, headers=EN).get_data(as_text=True)
        assert CANDIDATES_WORDS in shown and EMPLOYERS_WORDS not in shown, url
    assert "Pick a time" in client.get(candidate_pages[0], headers=EN).get_data(as_text=True)

    employer_pages = (
        f"/video/interviews/{interview.id}",
        f"/applications/review/{w['application'].id}",
    )
    as_user(client, w["colleague"])
    for url in employer_pages:
        shown = client.get(url, headers=EN).get_data(as_text=True)
        assert EMPLOYERS_WORDS in shown and CANDIDATES_WORDS not in shown, url


def test_only_the_step_that_waits_on_someone_differs_by_side(app):
    """Every other status (scheduled, cancelled, completed) is a fact both sides read alike."""
    differing = {s for s in InterviewStatus if CANDIDATE_STATUS_LABELS[s] != STATUS_LABELS[s]}
    assert differing == {InterviewStatus.PROPOSED}
    for labels in (STATUS_LABELS, CANDIDATE_STATUS_LABELS):
        assert set(labels) == set(InterviewStatus)
