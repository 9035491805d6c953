"""A saved search's alert finds what the search page found for the same words: places typed
in the box, English job words and filler, Chinese compounds, the employment type's word. The
alert reads the database (a job just published may not be indexed yet), the page the
engine; both on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.alerts import service
from app.extensions import db
from app.models import AlertFrequency, Role, utcnow
from tests import factories
from tests.app.jobs.test_search_english import jobs, titles  # noqa: F401  (jobs: a fixture)

TYPED = [
    "nurse Wuhan",
    "jobs in Wuhan",
    "driver Wuhan",
    "sales Zunyi",
    "warehouse worker",
    "forklift",
    "叉车工",
    "part time",
    "Dazhi Subdistrict",
    "武汉 保安",
]


@pytest.mark.parametrize("typed", TYPED)
def test_an_alert_lists_what_the_search_page_found(client, jobs, typed):  # noqa: F811
    found = titles(client, f"/jobs/?q={typed}")
    assert found, typed  # a search that finds something, or the comparison says nothing
    seeker = factories.user(Role.SEEKER)
    saved = service.save(seeker, typed, typed, {}, AlertFrequency.DAILY)
    saved.alerted_until = datetime(2026, 10, 1)  # before the jobs were published
    db.session.commit()
    alerted = sorted(job.title for job in service.new_matches(saved, utcnow()))
    assert alerted == found, typed
