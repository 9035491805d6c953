"""The home page shows only what anyone may see, and only reads."""

from __future__ import annotations

from app.models import JobStatus
from tests import factories
from tests.web import no_writes


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
