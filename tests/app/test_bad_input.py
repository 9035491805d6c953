"""Input that looks numeric to str.isdigit() but is not a number int() reads (², ①), and
values outside a list of choices, are refused with a 4xx — never a 500."""

from __future__ import annotations

import pytest

from app import clock
from app.models import Role
from tests import factories
from tests.web import as_user, post_form

HUGE = ["99999999999999999999999", "1" * 5000]
"""Ids no row can have: past SQLite's 64-bit integer (OverflowError when bound), and past
the 4,300 digits int() reads (ValueError). Either was a 500."""


@pytest.mark.parametrize(
    "query",
    [
        "salary_min=²",
        "salary_max=①",
        "page=²",
        "posted_within=³",
        "salary_min=４２",
        *(f"salary_min={huge}" for huge in HUGE),
    ],
)
def test_job_search_reads_only_numbers(client, query):
    status = client.get(f"/jobs/?{query}").status_code
    assert status == 400 or (query.endswith("４２") and status == 200)


def test_claims_in_an_unknown_status_show_the_default_tab(client):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102"))
    assert client.get("/officials/subsidies?status=claimed").status_code == 200
    page = client.get("/officials/subsidies?status=nonsense")
    assert page.status_code == 200 and 'status=claimed" aria-current="page"' in page.text


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
    for value in ("²", "９", "99999999999999999999", *HUGE):
        response = post_form(client, f"{url}/pick", {"slot_id": value}, token_from=url)
        assert response.status_code == 422
    # NUL is refused before any view reads the form (tests/app/hardening/test_nul.py).
    response = post_form(client, f"{url}/pick", {"slot_id": "\x00"}, token_from=url)
    assert response.status_code == 400


def test_ids_past_any_integer_column_name_no_row():
    from app.routing import INT_MAX, as_id, as_ids

    assert as_id(" 42 ") == 42 and as_id(str(INT_MAX)) == INT_MAX
    assert as_id("0" * 19 + "7") == 7  # leading zeros still read
    for value in (*HUGE, str(INT_MAX + 1), str(2**63), "0", "-1", "0" * 21 + "7"):
        assert as_id(value) is None, value[:30]
    assert as_ids([*HUGE, "5"]) == [5]


def test_a_fair_registration_with_ids_past_any_row_is_refused(client):

    from app.extensions import db
    from app.models import FairEmployer, FairJob, JobFair

    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer)
    fair = JobFair(
        title="春风行动", region_code="420102", starts_on=clock.today(), ends_on=clock.today()
    )
    db.session.add(fair)
    as_user(client, owner)
    url = f"/fairs/{fair.id}"
    for value in HUGE:
        response = post_form(client, f"{url}/register", {"job": value}, token_from=url)
        assert response.status_code == 422  # no job of its own chosen: not registered
    assert db.session.get(FairEmployer, (fair.id, employer.id)) is None
    response = post_form(client, f"{url}/register", {"job": [*HUGE, str(job.id)]}, token_from=url)
    assert response.status_code == 302
    assert db.session.get(FairJob, (fair.id, job.id)) is not None


def test_a_bulk_move_of_ids_past_any_row_is_refused(client):
    from tests.app.interviews.helpers import world

    people = world()
    as_user(client, people["owner"])
    url = f"/applications/jobs/{people['job'].id}"
    for value in HUGE:
        response = post_form(
            client, f"{url}/move", {"application_id": value, "stage": "screening"}, token_from=url
        )
        assert response.status_code == 422


def test_claims_past_any_row_are_not_reviewed(client):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102"))
    for value in HUGE:
        response = post_form(
            client,
            "/officials/subsidies/claims",
            {"action": "approve", "claim": value},
            token_from="/officials/subsidies",
        )
        assert response.status_code == 302


@pytest.mark.parametrize("value", [*HUGE, "٤٢"])
def test_a_path_id_past_any_row_is_not_found(client, value):
    for path in ("/fairs/", "/broadcasts/", "/jobs/"):
        assert client.get(path + value).status_code == 404, path
