"""The home page shows only what anyone may see, and only reads."""

from __future__ import annotations

import html

import pytest

from app.extensions import db
from app.models import JobStatus, Role, User
from tests import factories
from tests.web import as_user, csrf_token, no_writes


def test_home_lists_and_counts_only_public_jobs(client):
    verified = factories.employer()
    unverified = factories.employer(verified=False)
    factories.job(verified, title="公开的职位")
    factories.job(verified, title="草稿职位", status=JobStatus.DRAFT)
    # Published before the review finished: still not public.
    factories.job(unverified, title="未认证企业的职位")
    with no_writes():
        page = client.get("/").get_data(as_text=True)
    assert "公开的职位" in page
    assert "未认证企业的职位" not in page and "草稿职位" not in page
    assert "<strong>1</strong>" in page  # one open job, one verified employer


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/jobs/?q=x", "/jobs/?q=x"),
        ("/\t/127.0.0.1:5998/x", "/"),
        ("/\\127.0.0.1:5998/x", "/"),
        ("//127.0.0.1:5998/x", "/"),
        ("https://evil.example/", "/"),
    ],
)
def test_language_switch_returns_only_to_this_site(client, target, location):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_visitors_read_pages_without_a_session_cookie(client):
    """A visitor's (or crawler's) page view creates no session: no token to sign, no cookie
    to send, a page any cache may keep. The language switch still works for them."""
    job = factories.job(factories.employer(), title="仓管员")
    for url in ("/", "/jobs/?q=仓管", f"/jobs/{job.id}"):
        response = client.get(url)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, url
        assert 'name="csrf_token"' not in response.get_data(as_text=True), url
    switched = client.post("/language", data={"lang": "en", "next": "/"})
    assert switched.status_code == 302
    assert '<html class="no-js" lang="en">' in client.get("/").get_data(as_text=True)


def test_an_accounts_language_switch_needs_its_token(client):
    seeker = factories.user(Role.SEEKER, locale="zh")
    db.session.commit()
    as_user(client, seeker)
    refused = client.post("/language", data={"lang": "en", "next": "/"})
    assert refused.status_code == 400
    assert db.session.get(User, seeker.id).locale == "zh"
    token = csrf_token(client, "/")
    switched = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert switched.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, seeker.id).locale == "en"


@pytest.mark.parametrize(
    ("language", "names", "foreign"),
    [
        (
            "en",
            [
                "Official of Jiang'an District (district level)",
                "Official of Wuhan (city level)",
                "Official of Zunyi, the partner region",
            ],
            "江岸区",
        ),
        ("zh", ["江岸区", "武汉市", "遵义市"], "Jiang'an"),
    ],
)
def test_the_demo_table_names_its_regions_in_the_pages_language(
    client, app, monkeypatch, language, names, foreign
):
    from app.demo import DEMO_ACCOUNTS

    monkeypatch.setitem(app.config, "LOCAL_INSTANCE", True)
    factories.user(email=DEMO_ACCOUNTS[0][0])  # the demo is loaded
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    table = html.unescape(page[page.index('id="demo-title"') : page.index("</table>")])
    for name in names:
        assert name in table
    assert foreign not in table
