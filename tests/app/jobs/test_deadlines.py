"""Apply-by dates: not over when typed, no applications after them, and the posting closes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.applications import service as applications
from app.extensions import db
from app.jobs import service
from app.jobs.tasks import close_expired
from app.models import AuditEntry, JobStatus, Role
from tests import factories
from tests.web import as_user, post_form

from .test_postings import NEW, job_form

TODAY = clock.today()


def test_a_typed_date_that_is_over_is_refused_and_the_form_keeps_the_rest(client):
    employer = factories.employer()
    as_user(client, employer.members[0].user)
    past = (TODAY - timedelta(days=1)).isoformat()
    response = post_form(client, NEW, job_form(deadline=past, title="叉车司机"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This date is over" in page and 'value="叉车司机"' in page
    assert post_form(client, NEW, job_form(deadline=TODAY.isoformat())).status_code == 302


def test_an_unchanged_date_that_is_over_saves_a_draft_but_does_not_publish(client):
    employer = factories.employer()
    job = factories.job(employer, status=JobStatus.DRAFT, deadline=TODAY - timedelta(days=3))
    db.session.commit()
    as_user(client, employer.members[0].user)
    edited = post_form(
        client,
        f"/employers/mine/jobs/{job.id}/edit",
        job_form(deadline=job.deadline.isoformat(), title="Java工程师", action="draft"),
    )
    assert edited.status_code == 302
    published = post_form(
        client, f"/employers/mine/jobs/{job.id}/publish", {}, token_from="/employers/mine"
    )
    assert published.status_code == 303
    db.session.refresh(job)
    assert (job.title, job.status) == ("Java工程师", JobStatus.DRAFT)
    assert "The apply-by date is over" in client.get("/employers/mine").get_data(as_text=True)


def test_no_application_after_the_date_even_before_the_posting_closes(app):
    job = factories.job(factories.employer(), deadline=TODAY - timedelta(days=1))
    seeker = factories.user(Role.SEEKER)
    factories.resume(seeker)
    with app.test_request_context(method="POST"):  # the employer's notification links a page
        with pytest.raises(applications.ApplicationError, match="截止投递"):
            applications.apply(seeker, job)
        job.deadline = TODAY  # the day itself still counts
        assert applications.apply(seeker, job)[1] is True


def test_published_and_paused_postings_close_the_day_after_their_date(app):
    employer = factories.employer()
    over = {
        status: factories.job(employer, status=status, deadline=TODAY - timedelta(days=1))
        for status in (JobStatus.PUBLISHED, JobStatus.PAUSED)
    }
    kept = [
        factories.job(employer, status=JobStatus.DRAFT, deadline=TODAY - timedelta(days=1)),
        factories.job(employer, deadline=TODAY),
        factories.job(employer, deadline=None),
    ]
    db.session.commit()

    assert close_expired() == 2

    for job in over.values():
        db.session.refresh(job)
        assert job.status == JobStatus.CLOSED and not job.is_public
    assert [j.status for j in kept] == [JobStatus.DRAFT, JobStatus.PUBLISHED, JobStatus.PUBLISHED]
    expired = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "job.expire"))
    assert sorted(e.data["previous"] for e in expired) == ["paused", "published"]
    assert close_expired() == 0


def test_the_day_is_beijings():
    # 16:30 UTC on 1 March is already 2 March in Beijing
    assert clock.today(datetime(2026, 3, 1, 16, 30)).isoformat() == "2026-03-02"
    assert service.deadline_passed(TODAY - timedelta(days=1))
    assert not service.deadline_passed(TODAY) and not service.deadline_passed(None)


def test_the_job_page_says_closed_before_the_hourly_sweep_and_keeps_an_applicants_status(client):
    job = factories.job(factories.employer(), deadline=TODAY - timedelta(days=1))
    late, early = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    factories.resume(late)
    factories.application(early, job)
    db.session.commit()
    for who in (None, late):
        if who is not None:
            as_user(client, who)
        page = client.get(f"/jobs/{job.id}").text
        assert "Applications for this job have closed." in page
        assert f"/applications/apply/{job.id}" not in page and "Log in to apply" not in page
    as_user(client, early)
    page = client.get(f"/jobs/{job.id}").text
    assert "You applied." in page and "have closed" not in page
