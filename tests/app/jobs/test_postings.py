"""Job postings: publishing rules, duplicate detection, life cycle, fraud reports, safe text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.employers import review
from app.extensions import db
from app.models import AuditEntry, Job, JobReport, JobStatus, Notification, ReportStatus, Role
from tests import factories
from tests.web import as_user, no_writes, post_form

NEW = "/employers/mine/jobs/new"
XSS = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) <a href="#" onclick="alert(4)">a</a>'


def job_form(**overrides) -> dict:
    return {
        "title": "Java开发工程师",
        "description": "负责**后端**",
        "skills": "Java，Spring, java",
        "salary_min": "8000",
        "salary_max": "15000",
        "salary_period": "month",
        "employment_type": "full_time",
        "headcount": "2",
        "region_code": "420102",
        "screening_questions": "会Spring吗？\n\n有几年经验？",
        "action": "publish",
        **overrides,
    }


class Tags(HTMLParser):
    """Every element and attribute the browser would build from a page."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


def count_jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


def test_unverified_employer_cannot_publish(client):
    employer = factories.employer(verified=False)
    as_user(client, employer.members[0].user)
    response = post_form(client, NEW, job_form())
    assert response.status_code == 409
    assert "approved" in response.get_data(as_text=True) or "审核" in response.get_data(
        as_text=True
    )
    assert count_jobs() == 0
    assert post_form(client, NEW, job_form(action="draft")).status_code == 302
    job = db.session.scalar(select(Job))
    assert job.status == JobStatus.DRAFT and job.skills == ["Java", "Spring"]
    assert job.screening_questions == ["会Spring吗？", "有几年经验？"]
    response = post_form(
        client, f"/employers/mine/jobs/{job.id}/publish", {}, token_from="/employers/mine"
    )
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.status == JobStatus.DRAFT
    # Members see their draft; the public does not.
    assert client.get(f"/jobs/{job.id}").status_code == 200
    client.post("/auth/logout", data={"csrf_token": ""})
    as_user(client, factories.user())
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_duplicate_posting_needs_confirmation(client):
    employer = factories.employer()
    factories.job(employer, title="Java 开发工程师！", region_code="420102")
    as_user(client, employer.members[0].user)
    response = post_form(client, NEW, job_form(title="java开发工程师"))
    assert response.status_code == 409
    assert "confirm_duplicate" in response.get_data(as_text=True)
    assert count_jobs() == 1
    # Another region is not a duplicate; confirming posts it anyway.
    assert (
        post_form(client, NEW, job_form(title="java开发工程师", region_code="420103")).status_code
        == 302
    )
    assert (
        post_form(client, NEW, job_form(title="java开发工程师", confirm_duplicate="y")).status_code
        == 302
    )
    assert count_jobs() == 3
    published = db.session.scalars(select(Job).where(Job.status == JobStatus.PUBLISHED)).all()
    assert all(j.published_at for j in published)


def test_life_cycle_and_repost(client):
    employer = factories.employer()
    job = factories.job(employer)
    as_user(client, employer.members[0].user)
    base = f"/employers/mine/jobs/{job.id}"
    for action, status in (
        ("pause", JobStatus.PAUSED),
        ("resume", JobStatus.PUBLISHED),
        ("close", JobStatus.CLOSED),
    ):
        confirmed = {"confirmed": "1"} if action == "close" else {}  # closing asks first
        assert (
            post_form(
                client, f"{base}/{action}", confirmed, token_from="/employers/mine"
            ).status_code
            == 302
        )
        db.session.refresh(job)
        assert job.status == status
    assert post_form(client, f"{base}/pause", {}, token_from="/employers/mine").status_code == 303
    assert client.get(f"{base}/edit").status_code == 303
    response = post_form(client, f"{base}/repost", {}, token_from="/employers/mine")
    copy_id = int(re.search(r"/jobs/(\d+)/edit", response.headers["Location"]).group(1))
    copy = db.session.get(Job, copy_id)
    assert copy.title == job.title and copy.status == JobStatus.DRAFT and copy.id != job.id
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "jobs")
    ).all()
    assert {"job.pause", "job.resume", "job.close", "job.repost"} <= set(actions)


def test_the_job_list_offers_each_job_only_the_actions_its_state_allows(client):
    employer = factories.employer()
    draft = factories.job(employer, status=JobStatus.DRAFT)
    live = factories.job(employer)
    as_user(client, employer.members[0].user)

    page = client.get("/employers/mine").get_data(as_text=True)

    def actions(job):
        return set(re.findall(rf'/employers/mine/jobs/{job.id}/(\w+)"', page))

    assert actions(draft) == {"edit", "publish", "close"}
    assert actions(live) == {"edit", "pause", "close", "repost"}


def test_an_authors_headings_show_as_headings_below_the_pages_own(client):
    employer = factories.employer()
    job = factories.job(employer, description="# 公司介绍\n\n## 岗位职责\n\n- 盘点\n\n### 福利")
    db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<h3>公司介绍</h3>" in page and "<h3>岗位职责</h3>" in page and "<h3>福利</h3>" in page
    assert "<h1>公司介绍" not in page and "<h2>岗位职责" not in page


def test_descriptions_stay_inert(client):
    employer = factories.employer(description=XSS)
    job = factories.job(employer, description=XSS, title="<b onmouseover=alert(5)>t</b>")
    db.session.commit()
    for url in (f"/employers/{employer.id}", f"/jobs/{job.id}"):
        tags = Tags()
        tags.feed(client.get(url).get_data(as_text=True))
        # Only the app's own script files, never a script element from the text; the job
        # page's JSON-LD is a data block browsers do not run (its JSON escapes "<").
        assert all(
            dict(attrs).get("src", "").startswith("/static/")
            or dict(attrs) == {"type": "application/ld+json"}
            for tag, attrs in tags.seen
            if tag == "script"
        )
        attributes = [(name, value or "") for _, attrs in tags.seen for name, value in attrs]
        assert not [name for name, _ in attributes if name.startswith("on")]
        assert not [
            v
            for name, v in attributes
            if name == "href" and v.strip().lower().startswith("javascript")
        ]


def test_fraud_report_flow(client):
    employer = factories.employer()
    job = factories.job(employer)
    factories.job(employer, title="Other")  # to check only the reported job closes
    db.session.add(review.VerificationReview(employer_id=employer.id, decision="approved"))
    official = factories.user(Role.OFFICIAL, region_code="420102")
    outsider = factories.user(Role.OFFICIAL, region_code="52")
    db.session.commit()
    assert review.is_trusted(employer)

    url = f"/jobs/{job.id}/report"
    assert post_form(client, url, {"reason": "nonsense"}).status_code == 422
    assert post_form(client, url, {"reason": "fees", "details": "要交押金"}).status_code == 302
    seeker = as_user(client, factories.user())
    assert post_form(client, url, {"reason": "fees"}).status_code == 302
    assert post_form(client, url, {"reason": "fees"}).status_code == 409  # once per person
    reports = db.session.scalars(select(JobReport).order_by(JobReport.id)).all()
    assert [r.reporter_id for r in reports] == [None, seeker.id]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == official.id)
        )
        == 2
    )

    as_user(client, outsider)
    decide = f"/officials/reports/{reports[0].id}/uphold"
    assert (
        post_form(client, decide, {"close_job": "y"}, token_from="/officials/reports").status_code
        == 404
    )
    as_user(client, official)
    assert "要交押金" in client.get("/officials/reports").get_data(as_text=True)
    assert (
        post_form(client, decide, {"close_job": "y"}, token_from="/officials/reports").status_code
        == 302
    )
    assert (
        post_form(
            client,
            f"/officials/reports/{reports[1].id}/dismiss",
            {},
            token_from="/officials/reports",
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert [r.status for r in db.session.scalars(select(JobReport).order_by(JobReport.id))] == [
        ReportStatus.UPHELD,
        ReportStatus.DISMISSED,
    ]
    assert db.session.get(Job, job.id).status == JobStatus.CLOSED
    assert not review.is_trusted(employer)
    assert client.get(url).status_code == 404  # a closed job is no longer public


def test_job_page_shows_the_candidates_application_and_only_reads(client):
    employer = factories.employer()
    job = factories.job(employer)
    seeker = factories.user()
    application = factories.application(seeker, job)
    as_user(client, seeker)
    with no_writes():
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/applications/{application.id}" in page  # "You applied", with the status link
    assert f"/applications/apply/{job.id}" not in page


@pytest.mark.parametrize(
    ("language", "salary", "one_amount"),
    [("zh", "¥4,700–7,300/月", "¥4,700/月"), ("en", "¥4,700–7,300 per month", "¥4,700 per month")],
)
def test_a_salary_reads_as_each_language_writes_it(client, language, salary, one_amount):
    job = factories.job(factories.employer(), salary_min=4700, salary_max=7300)
    db.session.commit()
    page = client.get(f"/jobs/{job.id}", headers={"Accept-Language": language})
    assert salary in page.get_data(as_text=True)
    assert "每月" not in page.get_data(as_text=True)
    job.salary_max = 4700  # one amount, not a range from a number to itself
    db.session.commit()
    page = client.get(f"/jobs/{job.id}", headers={"Accept-Language": language})
    assert one_amount in page.get_data(as_text=True)
