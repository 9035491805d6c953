"""Visitors' pages are kept a few seconds per process; nobody with a cookie is served one."""

from __future__ import annotations

import pytest

from app import visitor_pages
from app.extensions import db
from app.models import JobStatus, Role
from app.queue import DERIVED
from tests import factories
from tests.web import as_user


@pytest.fixture
def cached(app):
    app.config["VISITOR_PAGE_CACHE"] = True
    return app


class Clock:
    """The cache's clock, moved by the test: a slow first rendering (the segmenter loading
    on a busy machine) must not decide whether the second visit finds the page kept."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(visitor_pages, "time", clock)
    return clock


def test_a_visitors_search_is_kept_a_second_and_not_past_a_new_commit(
    cached, client, worker, clock
):
    employer = factories.employer()
    factories.job(employer, title="仓库管理员")
    db.session.commit()
    worker(DERIVED)
    first = client.get("/jobs/?q=叉车")
    again = client.get("/jobs/?q=叉车")
    assert first.status_code == 200 and "Age" not in first.headers
    assert again.headers["Age"] == "0" and again.data == first.data
    assert "Cookie" in first.headers["Vary"] and "Accept-Language" in first.headers["Vary"]
    # The kept page still gets the headers every response gets.
    assert "Content-Security-Policy" in again.headers
    clock.now += 1.05
    assert "Age" not in client.get("/jobs/?q=叉车").headers

    # A new job is found by the next visit after its commit to the index, as without the cache.
    new = factories.job(employer, title="叉车司机")
    db.session.commit()
    worker(DERIVED)
    assert f"/jobs/{new.id}" in client.get("/jobs/?q=叉车").get_data(as_text=True)


def test_pages_are_kept_apart_by_language(cached, app):
    job = factories.job(factories.employer(), title="仓管员")
    db.session.commit()
    english, chinese = app.test_client(), app.test_client()
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    chinese.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    for url in ("/", f"/jobs/{job.id}"):
        assert 'lang="en"' in english.get(url).get_data(as_text=True)
        assert 'lang="zh' in chinese.get(url).get_data(as_text=True)
        assert 'lang="en"' in english.get(url).get_data(as_text=True)


def test_nobody_with_a_cookie_gets_a_kept_page(cached, app, client):
    """A visitor who chose a language, and a signed-in person, see their own page."""
    job = factories.job(factories.employer(), title="仓管员")
    seeker = factories.user(Role.SEEKER, name="王小明")
    db.session.commit()
    visitor_page = client.get(f"/jobs/{job.id}")
    assert visitor_page.status_code == 200

    chooser = app.test_client()
    assert chooser.post("/language", data={"lang": "zh", "next": "/"}).status_code == 302
    page = chooser.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"})
    assert "Age" not in page.headers and 'lang="zh' in page.get_data(as_text=True)

    as_user(client, seeker)
    mine = client.get(f"/jobs/{job.id}")
    assert "Age" not in mine.headers and "王小明" in mine.get_data(as_text=True)
    assert "Cookie" in mine.headers["Vary"]  # a cache in front must not keep it for others


def test_only_found_pages_are_kept(cached, client):
    """A job not public yet is asked again on the next visit, not kept as "not found"."""
    job = factories.job(factories.employer(), title="仓管员", status=JobStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/jobs/{job.id}").status_code == 404
    job.status = JobStatus.PUBLISHED
    db.session.commit()
    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_a_page_asked_for_under_another_host_is_not_served_to_others(cached, app):
    """Host-header cache poisoning: the page carries absolute links made from the host."""
    job = factories.job(factories.employer(), title="仓管员")
    db.session.commit()
    app.config["SERVER_NAME"] = None  # any host, as behind a proxy that passes Host through
    client = app.test_client()
    forged = client.get(f"/jobs/{job.id}", base_url="http://evil.example")
    assert "http://evil.example/jobs/" in forged.get_data(as_text=True)
    page = client.get(f"/jobs/{job.id}", base_url="http://yunpin.test")
    assert "Age" not in page.headers and "evil.example" not in page.get_data(as_text=True)
