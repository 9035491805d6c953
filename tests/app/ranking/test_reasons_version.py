"""A stored list whose reasons were computed before matching changed what they count and name
(`matching.reasons.VERSION`) is computed again at once, not shown until the sweep's six-hourly
refresh: the candidate's next page view asks for it, and the sweep takes it too."""

from __future__ import annotations

from app.extensions import db
from app.models import RecommendationList, utcnow
from app.queue import DERIVED, get_queue
from matching.reasons import VERSION
from tests.web import as_user

from .helpers import employer_with_job, seeker
from .test_recommendations import read_in

EARLIER = [
    {"code": "skills_overlap", "params": {"k": 2, "n": 4, "skills": ["Java", "Spring"]}},
]
"""What an earlier matching said of the same job: two skills of four (say it counted a skill
named twice in the job's tags twice)."""


def stored_earlier(person) -> None:
    """PERSON's stored list as an earlier version of the reasons left it, just computed."""
    row = db.session.get(RecommendationList, person.id)
    row.items = [{**item, "reasons": EARLIER} for item in row.items]
    row.computed_at, row.stale, row.reasons_version = utcnow(), False, VERSION - 1
    db.session.commit()


def test_the_page_has_a_list_with_earlier_reasons_computed_again(client, worker):
    person, _resume = seeker(locale="en")
    _owner, _employer, job = employer_with_job(title="Java开发工程师")
    worker(DERIVED)
    stored_earlier(person)

    as_user(client, person)
    read_in(client, "en")
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{job.id}" in page
    assert "Has 2 of 4 required skills: Java, Spring" in page  # shown while it is computed
    assert worker(DERIVED) == 1  # the refresh the page asked for

    page = client.get("/recommendations").get_data(as_text=True)
    assert "Has all 3 required skills: Java, Spring, MySQL" in page
    assert "2 of 4" not in page
    read_in(client, "zh")
    page = client.get("/recommendations").get_data(as_text=True)
    assert "具备岗位要求的全部3项技能：Java、Spring、MySQL" in page
    assert worker(DERIVED) == 0  # a list of the current reasons, fresh: nothing to compute


def test_the_sweep_computes_lists_of_earlier_reasons_again(app, client, worker):
    person, _resume = seeker()
    employer_with_job(title="Java开发工程师")
    as_user(client, person)  # the sweep keeps the lists of those who signed in lately
    worker(DERIVED)
    stored_earlier(person)

    get_queue(app, DERIVED).enqueue_call("app.ranking.tasks.sweep")
    assert worker(DERIVED) == 1
    db.session.expire_all()
    row = db.session.get(RecommendationList, person.id)
    assert row.reasons_version == VERSION
    assert all(item["reasons"] != EARLIER for item in row.items) and row.items
    computed_at = row.computed_at

    get_queue(app, DERIVED).enqueue_call("app.ranking.tasks.sweep")
    assert worker(DERIVED) == 1
    db.session.expire_all()
    assert db.session.get(RecommendationList, person.id).computed_at == computed_at
