"""The saved searches as a candidate keeps them: one of each search, and each said with its
filters, not only the text typed."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.alerts import service
from app.extensions import db
from app.models import AlertFrequency, Role, SavedSearch, User
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form

NURSES = {
    "q": "nurse Wuhan",
    "salary_min": "8000",
    "salary_max": "12000",
    "employment_type": ["full_time", "part_time"],
    "frequency": "daily",
}


def save(client, **fields):
    return post_form(client, "/saved-searches", fields, token_from="/saved-searches")


def listed(client) -> list[str]:
    page = client.get("/saved-searches").get_data(as_text=True)
    page = page.split("<h1>Saved searches</h1>")[1]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li><a href=\"/jobs/.*?</li>", page, re.S)
    ]


def test_the_same_search_twice_is_refused_naming_the_one_kept(client):
    seeker = as_user(client, factories.user(Role.SEEKER, locale="en"))
    assert save(client, **NURSES).status_code == 302
    again = save(client, **{**NURSES, "employment_type": ["part_time", "full_time"]})
    assert (again.status_code, again.location) == (302, "/saved-searches")
    page = client.get(again.location).get_data(as_text=True)
    assert "You have already saved this search: “nurse Wuhan”." in page
    assert len(service.saved_of(seeker)) == 1
    # Another filter is another search.
    assert save(client, **{**NURSES, "salary_min": "9000"}).status_code == 302
    assert len(service.saved_of(seeker)) == 2


def test_each_saved_search_says_its_filters_in_words(client):
    as_user(client, factories.user(Role.SEEKER, locale="en"))
    save(client, **NURSES)
    save(client, q="driver", salary_min="5000", remote="1", verified="1", posted_within="7")
    driver, nurse = listed(client)
    assert nurse.startswith(
        "nurse Wuhan · Full-time · Part-time · ¥8,000–12,000 per month Daily alerts"
    ), nurse
    assert driver.startswith(
        "driver · at least ¥5,000 per month · posted in the last 7 days · Remote only"
        " · Verified employers only"
    ), driver


def test_two_saves_of_one_search_at_once_keep_one(app):
    seeker_id = factories.user(Role.SEEKER).id
    db.session.commit()

    def work(n: int):
        user = db.session.get(User, seeker_id)
        return service.save(user, "", "焊工", {"region": "420102"}, AlertFrequency.DAILY)

    outcomes = at_once(app, 3, work)
    assert refusals(outcomes) == 2
    assert db.session.scalar(select(func.count()).where(SavedSearch.user_id == seeker_id)) == 1
