"""A fair from start to figures: an official creates it, an employer brings jobs, a candidate
applies from the fair in one click, and the fair's statistics count that application."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from babel.dates import format_skeleton

from app import clock
from app.extensions import db
from app.models import (
    Application,
    EmploymentType,
    FairEmployer,
    FairJob,
    JobFair,
    JobStatus,
    Role,
    Source,
)
from tests import factories
from tests.web import as_user, login, post_form


def switch_to(client, email: str) -> None:
    """Log out and in as EMAIL (the test's app context keeps one current user for all clients)."""
    post_form(client, "/auth/logout", {}, token_from="/")
    login(client, email, factories.PASSWORD)


def test_fair_flow(app, client):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner, region_code="420102001001")
    jobs = [factories.job(employer, title=f"岗位{n}") for n in range(2)]
    candidate = factories.user(Role.SEEKER, region_code="420102", email="s@example.com")
    factories.resume(candidate)
    db.session.commit()
    today = clock.today()

    login(client, official.email, factories.PASSWORD)
    response = post_form(
        client,
        "/officials/fairs/new",
        {
            "title": "春风行动",
            "theme": "线上招聘",
            "region_code": "420102",
            "sectors": "I",
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=7)),
        },
    )
    assert response.status_code == 302
    fair = db.session.scalar(sa.select(JobFair))
    assert fair.title == "春风行动" and response.headers["Location"].endswith(
        f"/officials/fairs/{fair.id}"
    )

    switch_to(client, owner.email)
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert set(re.findall(r'name="job" value="(\d+)"', page)) == {str(j.id) for j in jobs}
    response = post_form(client, f"/fairs/{fair.id}/register", {"job": [str(jobs[0].id)]})
    assert response.status_code == 302
    assert db.session.get(FairEmployer, (fair.id, employer.id)) is not None
    assert db.session.scalars(
        sa.select(FairJob.job_id).where(FairJob.fair_id == fair.id)
    ).all() == [jobs[0].id]

    switch_to(client, candidate.email)
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert f"/fairs/{fair.id}/apply/{jobs[0].id}" in page and f"/apply/{jobs[1].id}" not in page
    # A job not shown at the fair cannot be applied to through it.
    refused = post_form(
        client, f"/fairs/{fair.id}/apply/{jobs[1].id}", {}, token_from=f"/fairs/{fair.id}"
    )
    assert refused.status_code == 404
    response = post_form(
        client, f"/fairs/{fair.id}/apply/{jobs[0].id}", {}, token_from=f"/fairs/{fair.id}"
    )
    assert response.status_code == 303
    application = db.session.scalar(
        sa.select(Application).where(Application.candidate_id == candidate.id)
    )
    assert (application.job_id, application.source, application.fair_id) == (
        jobs[0].id,
        Source.FAIR,
        fair.id,
    )
    # A second click changes nothing.
    post_form(client, f"/fairs/{fair.id}/apply/{jobs[0].id}", {}, token_from=f"/fairs/{fair.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1

    switch_to(client, official.email)
    stats = client.get(f"/officials/fairs/{fair.id}?format=csv").get_data(as_text=True)
    rows = [line.split(",") for line in stats.strip().splitlines()[1:]]
    assert [today.isoformat(), "1", "1", "0", "0"] in rows
    page = client.get(f"/officials/fairs/{fair.id}").get_data(as_text=True)
    assert "春风行动" in page
    # The chart's axis says the day short, in the page's language, as the dashboards do.
    chart = re.search(r'id="fair-daily-data">(.*?)</script>', page).group(1)
    assert json.loads(chart)["labels"][-1] == format_skeleton("MMMd", today, locale="en")


def test_fair_outside_the_officials_region_is_refused(app, client):
    factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    db.session.commit()
    login(client, "o@example.com", factories.PASSWORD)
    today = clock.today()
    response = post_form(
        client,
        "/officials/fairs/new",
        {
            "title": "别处的招聘会",
            "region_code": "420103",
            "starts_on": str(today),
            "ends_on": str(today),
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobFair)) == 0


def test_the_fair_shows_public_jobs_and_takes_no_registration_after_it_ends(app, client):
    today = clock.today()
    fair = JobFair(
        title="往届招聘会", region_code="420102", starts_on=today, ends_on=today, sectors=[]
    )
    hidden = factories.job(factories.employer(verified=False), title="未审核岗位")
    shown = factories.job(factories.employer(), title="公开岗位")
    db.session.add(fair)
    db.session.flush()
    db.session.add_all([FairJob(fair_id=fair.id, job_id=j.id) for j in (hidden, shown)])
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner)
    own = factories.job(employer)
    db.session.commit()

    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert "公开岗位" in page and "未审核岗位" not in page

    fair.ends_on = fair.starts_on = today - timedelta(days=1)
    db.session.commit()
    login(client, owner.email, factories.PASSWORD)
    response = post_form(
        client, f"/fairs/{fair.id}/register", {"job": [str(own.id)]}, token_from=f"/fairs/{fair.id}"
    )
    assert response.status_code == 422
    assert db.session.get(FairEmployer, (fair.id, employer.id)) is None


def test_the_fair_page_shows_salaries_and_filters_its_jobs(app, client):
    """A seeker narrows a fair's jobs by keyword, employment type and salary (issue #14)."""
    today = clock.today()
    fair = JobFair(
        title="春风招聘会", region_code="420102", starts_on=today, ends_on=today, sectors=[]
    )
    employer = factories.employer()
    cook = factories.job(employer, title="厨师", skills=["烹饪"], salary_min=5000, salary_max=7000)
    clerk = factories.job(
        employer,
        title="兼职收银员",
        skills=["收银"],
        salary_min=3000,
        salary_max=4000,
        employment_type=EmploymentType.PART_TIME,
    )
    db.session.add(fair)
    db.session.flush()
    db.session.add_all([FairJob(fair_id=fair.id, job_id=j.id) for j in (cook, clerk)])
    db.session.commit()

    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert "厨师" in page and "兼职收银员" in page and "5,000" in page
    assert 'name="salary_min"' in page and 'name="employment_type"' in page
    page = client.get(f"/fairs/{fair.id}?salary_min=4500").get_data(as_text=True)
    assert "厨师" in page and "兼职收银员" not in page
    page = client.get(f"/fairs/{fair.id}?employment_type=part_time").get_data(as_text=True)
    assert "厨师" not in page and "兼职收银员" in page
    page = client.get(f"/fairs/{fair.id}?q=烹饪").get_data(as_text=True)
    assert "厨师" in page and "兼职收银员" not in page


def test_an_employer_with_many_jobs_shows_the_first_few_and_the_rest_behind_more(app, client):
    """A phone should not scroll through every job of every employer: four jobs are shown
    whole (a "1 more" link would take the room of the row it hides), six as three and "3 more"."""
    today = clock.today()
    fair = JobFair(
        title="春风招聘会", region_code="420102", starts_on=today, ends_on=today, sectors=[]
    )
    small, large = factories.employer(), factories.employer()
    jobs = [factories.job(small, title=f"小厂职位{n}") for n in range(4)]
    jobs += [factories.job(large, title=f"大厂职位{n}") for n in range(6)]
    db.session.add(fair)
    db.session.flush()
    db.session.add_all([FairJob(fair_id=fair.id, job_id=j.id) for j in jobs])
    db.session.commit()

    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert all(f"小厂职位{n}" in page for n in range(4)) and all(
        f"大厂职位{n}" in page for n in range(6)
    )
    hidden = re.findall(r'<details class="fair-more">(.*?)</details>', page, re.S)
    assert len(hidden) == 1
    assert hidden[0].count('class="fair-job"') == 3 and "大厂职位" in hidden[0]
    assert "还有 3 个职位" in hidden[0] or "3 more jobs" in hidden[0]


@pytest.mark.parametrize(
    ("language", "dates"),
    # CLDR's interval formats: thin spaces around the dash, the shared year written once
    [("zh", "2026年11月22日\u2009–\u200912月12日"), ("en", "Nov 22\u2009–\u2009Dec 12, 2026")],
)
def test_a_fair_s_dates_read_as_each_language_writes_them(app, client, language, dates):
    fair = JobFair(
        title="春风行动",
        region_code="420102",
        starts_on=date(2026, 11, 22),
        ends_on=date(2026, 12, 12),
        sectors=[],
    )
    db.session.add(fair)
    db.session.commit()
    for url in ("/fairs/", f"/fairs/{fair.id}"):
        page = client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
        assert dates in page and "2026-11-22" not in page


def test_a_company_not_verified_cannot_register_for_a_fair(app, client):
    """Its jobs are not public, so it has nothing to bring: the page offers no registration
    and a forged post (with a published job of its own or none) is refused with 403."""
    today = clock.today()
    fair = JobFair(title="春风行动", region_code="4201", starts_on=today, ends_on=today)
    owner = factories.user(Role.EMPLOYER, email="pending@example.com")
    employer = factories.employer(owner=owner, verified=False, region_code="420103002")
    job = factories.job(employer)  # published once, before its approval was revoked
    db.session.add(fair)
    db.session.commit()

    login(client, owner.email, factories.PASSWORD)
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert f"/fairs/{fair.id}/register" not in page and 'name="job"' not in page
    for data in ({}, {"job": [str(job.id)]}):
        response = post_form(
            client, f"/fairs/{fair.id}/register", data, token_from=f"/fairs/{fair.id}"
        )
        assert response.status_code == 403  # the fair's page, saying why
        assert "Only verified companies take part in job fairs." in response.get_data(as_text=True)
        assert db.session.get(FairEmployer, (fair.id, employer.id)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FairJob)) == 0


def test_a_first_registration_brings_a_job(app, client):
    today = clock.today()
    fair = JobFair(title="春风行动", region_code="420102", starts_on=today, ends_on=today)
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner)
    own = factories.job(employer)
    draft = factories.job(employer, status=JobStatus.DRAFT)
    other = factories.job(factories.employer())
    db.session.add(fair)
    db.session.commit()

    login(client, owner.email, factories.PASSWORD)
    url = f"/fairs/{fair.id}"
    for data in ({}, {"job": [str(draft.id), str(other.id)]}):
        assert post_form(client, f"{url}/register", data, token_from=url).status_code == 422
        assert db.session.get(FairEmployer, (fair.id, employer.id)) is None
    assert post_form(client, f"{url}/register", {"job": [str(own.id)]}).status_code == 302
    # Registered: posting again with no job changes nothing and is no error.
    assert post_form(client, f"{url}/register", {}, token_from=url).status_code == 302
    assert db.session.scalars(sa.select(FairJob.job_id)).all() == [own.id]


def test_a_fairs_days_are_beijing_days(app):
    """An application sent at 00:30 in Beijing (16:30 UTC the day before) counts for the
    Beijing day it was sent on, on both databases."""
    from app.fairs.service import statistics

    day = date(2026, 3, 2)
    fair = JobFair(title="夜场招聘会", region_code="420102", starts_on=day, ends_on=day, sectors=[])
    job = factories.job(factories.employer(), title="夜班保安")
    db.session.add(fair)
    db.session.flush()
    application = factories.application(factories.user(Role.SEEKER), job)
    application.fair_id = fair.id
    application.created_at = datetime(2026, 3, 1, 16, 30)  # naive UTC, as stored
    db.session.commit()

    rows = {row[0]: row for row in statistics(db.session, fair)["rows"]}
    assert rows[day][2] == 1, rows
    assert date(2026, 3, 1) not in rows


@pytest.mark.parametrize(("locale", "said"), [("en", "Mar 2"), ("zh", "3月2日")])
def test_the_per_day_chart_says_its_days_short_in_the_readers_language(client, locale, said):
    day = date(2026, 3, 2)
    fair = JobFair(title="春风行动", region_code="420102", starts_on=day, ends_on=day, sectors=[])
    db.session.add(fair)
    db.session.flush()
    application = factories.application(
        factories.user(Role.SEEKER), factories.job(factories.employer())
    )
    application.fair_id = fair.id
    application.created_at = datetime(2026, 3, 2, 2, 0)  # naive UTC: 10:00 in Beijing
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102", locale=locale))
    page = client.get(f"/officials/fairs/{fair.id}").get_data(as_text=True)
    chart = json.loads(re.search(r'id="fair-daily-data">(.*?)</script>', page).group(1))
    assert chart["labels"] == [said]
    assert "2026-03-02" not in chart["labels"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ("On now", "2 employers · 3 jobs", "0 employers · 0 jobs", "Jiang'an District")),
        ("zh", ("进行中", "2 家企业 · 3 个职位", "0 家企业 · 0 个职位", "湖北省 武汉市 江岸区")),
    ],
)
def test_the_list_of_fairs_says_which_are_on_and_who_takes_part(client, language, said):
    """A job seeker chooses a fair by whether it is on, where, and how much it offers; a job
    no longer public (a draft, a closed one) is not counted."""
    on_now, counts, empty, place = said
    today = clock.today()
    running = JobFair(
        title="春风行动", region_code="420102", starts_on=today, ends_on=today, sectors=[]
    )
    later = JobFair(
        title="秋季招聘会",
        region_code="420102",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=9),
        sectors=[],
    )
    db.session.add_all([running, later])
    first, second = factories.employer(), factories.employer()
    shown = [factories.job(first), factories.job(first), factories.job(second)]
    hidden = factories.job(second, status=JobStatus.DRAFT)
    db.session.flush()
    for job in [*shown, hidden]:
        db.session.add(FairJob(fair_id=running.id, job_id=job.id))
    db.session.commit()

    page = unescape(
        client.get("/fairs/", headers={"Accept-Language": language}).get_data(as_text=True)
    )
    running_card, later_card = page.split("春风行动", 1)[1].split("秋季招聘会", 1)
    assert on_now in running_card and counts in running_card and place in running_card
    assert on_now not in later_card and empty in later_card
