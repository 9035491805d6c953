""" "Recommended for you": reasons in the reader's language, cooperation links, "not interested"."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import refresh

from app.extensions import db
from app.models import RecommendationList
from app.queue import DERIVED, get_queue
from tests.web import as_user, csrf_token

from .helpers import cooperation, employer_with_job, seeker


def read_in(client, lang: str) -> None:
    """Switch the session's language; the test's shared app context caches the locale, so drop it."""
    client.post(
        "/language", data={"csrf_token": csrf_token(client, "/"), "lang": lang, "next": "/"}
    )
    refresh()


def test_recommendations_show_reasons_in_the_readers_language(client):
    english, _resume = seeker(locale="en")
    chinese, _resume = seeker(locale="zh")
    _owner, _employer, job = employer_with_job(title="Java开发工程师", region_code="420102")
    _owner, _employer, far = employer_with_job(title="厨师", skills=["烹饪"], region_code="520302")

    as_user(client, english)
    read_in(client, "en")
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{job.id}" in page and f"/jobs/{far.id}" not in page
    assert "required skills: Java, Spring, MySQL" in page
    assert "Updated" in page
    # Each card applies in one click (issue #14: the cards had no Apply button).
    assert f'action="/applications/apply/{job.id}"' in page

    as_user(client, chinese)
    read_in(client, "zh")
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{job.id}" in page
    assert "项技能：Java、Spring、MySQL" in page


def test_partner_regions_of_a_cooperation_programme_are_a_reason(client):
    cooperation(origin="52", destination="4201")
    person, _resume = seeker(locale="en", region_code="520302")
    _owner, _employer, job = employer_with_job(region_code="420102")
    as_user(client, person)
    read_in(client, "en")
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{job.id}" in page
    assert "labor-cooperation programme" in page


def test_not_interested_is_respected_after_refresh(app, client, worker):
    person, _resume = seeker()
    _owner, _employer, dismissed = employer_with_job()
    _owner, _employer, kept = employer_with_job(title="Java架构师")
    worker(DERIVED)  # the résumé and job writes are followed: embeddings (off here) and the list
    as_user(client, person)
    assert f"/jobs/{dismissed.id}" in client.get("/recommendations").get_data(as_text=True)

    token = csrf_token(client, "/recommendations")
    assert client.post(f"/recommendations/{dismissed.id}/dismiss").status_code == 400  # CSRF
    response = client.post(f"/recommendations/{dismissed.id}/dismiss", data={"csrf_token": token})
    assert response.status_code == 303
    assert f"/jobs/{dismissed.id}" not in client.get("/recommendations").get_data(as_text=True)

    get_queue(app).enqueue_call("app.ranking.tasks.refresh_recommendations", args=(person.id,))
    assert worker() == 1
    db.session.expire_all()
    ids = [item["job_id"] for item in db.session.get(RecommendationList, person.id).items]
    assert kept.id in ids and dismissed.id not in ids
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{kept.id}" in page and f"/jobs/{dismissed.id}" not in page


def test_without_a_resume_the_page_asks_for_one(client):
    from tests import factories

    person = factories.user()
    db.session.commit()
    as_user(client, person)
    page = client.get("/recommendations")
    assert page.status_code == 200 and "/resumes/" in page.get_data(as_text=True)


def test_the_page_shows_a_missing_list_and_leaves_storing_it_to_the_worker(app, client, derived):
    person, _resume = seeker()
    _owner, _employer, job = employer_with_job()
    get_queue(app, DERIVED).empty()  # the résumé's own refresh would store the list first
    as_user(client, person)
    writes = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/recommendations").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert f"/jobs/{job.id}" in page
    assert writes == []
    assert db.session.get(RecommendationList, person.id) is None

    assert derived() == (2, 0)  # the search index flush, and the refresh the page asked for
    db.session.expire_all()
    assert [item["job_id"] for item in db.session.get(RecommendationList, person.id).items] == [
        job.id
    ]


def test_a_stored_list_says_its_reasons_in_the_wording_of_today(client):
    """Lists keep reasons as codes and parameters, rendered when read: a list stored before a
    sentence's wording changed (here the singular of "Has all 1 required skills") reads in
    the new wording at once, with no recomputation."""
    person, _resume = seeker(locale="en")
    _owner, _employer, job = employer_with_job(title="Java开发工程师", skills=["Java"])
    # Kotlin: what the list stored, not what scoring the job now would say
    reason = {"code": "skills_all", "params": {"k": 1, "n": 1, "skills": ["Kotlin"]}}
    db.session.add(
        RecommendationList(
            user_id=person.id, items=[{"job_id": job.id, "score": 0.9, "reasons": [reason]}]
        )
    )
    as_user(client, person)
    read_in(client, "en")
    page = client.get("/recommendations").get_data(as_text=True)
    assert f"/jobs/{job.id}" in page and "Has the required skill: Kotlin" in page
    assert "all 1 required" not in page
    read_in(client, "zh")
    page = client.get("/recommendations").get_data(as_text=True)
    assert "具备岗位要求的全部1项技能：Kotlin" in page
    stored = db.session.get(RecommendationList, person.id)
    assert stored.items[0]["reasons"] == [reason]  # read, not rewritten
