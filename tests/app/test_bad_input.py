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


@pytest.mark.parametrize(
    ("slot", "zone"),
    [
        ("9999-12-31T23:00", "Etc/GMT+12"),  # UTC is 12 h later: past the year 9999
        ("0001-01-01T01:00", "Etc/GMT-14"),  # UTC is 14 h earlier: before the year 1
        ("2999-06-01T10:00", "Asia/Shanghai"),  # a typo for 2029, far beyond any interview
    ],
)
def test_interview_times_beyond_a_year_are_refused(client, slot, zone):
    from tests.app.interviews.helpers import propose, world

    people = world()
    as_user(client, people["owner"])
    response = propose(client, people["application"].id, [slot], zone)
    assert response.status_code == 422
    assert "within a year from now" in response.get_data(as_text=True)


def test_a_picked_slot_that_is_no_number_is_refused(client):
    from tests.app.interviews.helpers import local_slot, propose, world
    from tests.web import post_form

    people = world()
    as_user(client, people["owner"])
    assert propose(client, people["application"].id, [local_slot(48)]).status_code == 303
    as_user(client, people["candidate"])
    url = "/video/interviews/1"
    for value in ("²", "９", "99999999999999999999", "\x00"):
        response = post_form(client, f"{url}/pick", {"slot_id": value}, token_from=url)
        assert response.status_code == 422
