"""The home page shows only what anyone may see, and only reads."""

from __future__ import annotations

import pytest

from app.models import JobStatus
from tests import factories
from tests.web import csrf_token, no_writes


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
    token = csrf_token(client, "/")
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == location
