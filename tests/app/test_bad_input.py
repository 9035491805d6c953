"""Input that looks numeric to str.isdigit() but is not a number int() reads (², ①), and
values outside a list of choices, are refused with a 4xx — never a 500."""

from __future__ import annotations

import pytest

from app.models import Role
from tests import factories
from tests.web import as_user


@pytest.mark.parametrize(
    "query", ["salary_min=²", "salary_max=①", "page=²", "posted_within=³", "salary_min=４２"]
)
def test_job_search_reads_only_numbers(client, query):
    status = client.get(f"/jobs/?{query}").status_code
    assert status == 400 or (query.endswith("４２") and status == 200)


def test_claims_in_an_unknown_status_are_refused(client):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102"))
    assert client.get("/officials/subsidies?status=claimed").status_code == 200
    assert client.get("/officials/subsidies?status=nonsense").status_code == 400
