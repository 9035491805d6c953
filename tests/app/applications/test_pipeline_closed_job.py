"""A closed job as its readers see it. Its employer's members read why nobody else sees it in
a sentence of its own (not "it is Closed.", a status label pasted into one). After the
officials take a job down for fraud, the candidate who applied reads the warning they were
sent (pay no fees, hand over no documents) on the application page and on the job page;
a job its employer closed after a report was upheld without a take-down is only closed."""

from __future__ import annotations

import html
from datetime import datetime

from app.extensions import db
from app.models import Job, JobReport, JobStatus, Role, Stage
from tests import factories
from tests.web import as_user, post_form

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
CLOSED_AT = datetime(2026, 12, 1, 4, 0)  # noon in Beijing: 1 December in every zone used
WARNING_EN = (
    "This job was removed on December 1, 2026 after a review by the regional officials. "
    "Do not pay any fees or hand over your ID or other documents for it."
)
WARNING_ZH = (
    "该职位经地区主管部门审查，已于2026年12月1日下架。"
    "请勿为此职位缴纳任何费用，也不要提交身份证件或其他材料。"
)


def applied(stage: Stage = Stage.SCREENING):
    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner), title="叉车司机")
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job, stage=stage)
    official = factories.user(Role.OFFICIAL, region_code="420102")
    report = JobReport(job_id=job.id, reason="fees", details="要先交500元押金")
    db.session.add(report)
    db.session.commit()
    return owner, job, candidate, application, official, report


def decide(app, official, report: JobReport, decision: str, close_job: bool) -> None:
    """OFFICIAL decides REPORT on their own browser, as everyone here reads on their own."""
    client = app.test_client()
    as_user(client, official)
    response = post_form(
        client,
        f"/officials/reports/{report.id}/{decision}",
        {"close_job": "y"} if close_job else {},
        token_from="/officials/reports",
    )
    assert response.status_code == 302


def closed_on_the_first(job: Job) -> None:
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED
    job.closed_at = CLOSED_AT
    db.session.commit()


def read(client, url: str, headers: dict) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_a_job_taken_down_warns_its_candidate_where_they_read_it(app, client):
    _owner, job, candidate, application, official, report = applied()
    decide(app, official, report, "uphold", close_job=True)
    closed_on_the_first(job)

    as_user(client, candidate)
    for url in (f"/applications/{application.id}", f"/jobs/{job.id}"):
        en = read(client, url, EN)
        assert WARNING_EN in en, url
        assert 'class="flash error job-closed"' in en, url
        assert "This job was closed on" not in en, url
        assert WARNING_ZH in read(client, url, ZH), url
    mine = read(client, f"/applications/{application.id}", EN)
    assert "Removed by the officials" in mine and "Job closed" not in mine
    assert "已被主管部门下架" in read(client, f"/applications/{application.id}", ZH)


def test_an_offer_on_a_job_taken_down_is_withdrawn_in_words_that_fit(app, client):
    _owner, job, candidate, application, official, report = applied(Stage.OFFER)
    decide(app, official, report, "uphold", close_job=True)
    as_user(client, candidate)
    page = read(client, f"/applications/{application.id}", EN)
    assert "The regional officials removed this job. Withdraw if you no longer want its offer" in (
        page
    )
    assert "may still honour its offer" not in page


def test_a_report_upheld_without_a_take_down_leaves_an_ordinary_close(app, client):
    owner, job, candidate, application, official, report = applied()
    decide(app, official, report, "uphold", close_job=False)
    as_user(client, owner)
    assert (
        post_form(
            client, f"/employers/mine/jobs/{job.id}/close", {"confirmed": "1"}, "/employers/mine"
        ).status_code
        == 302
    )
    closed_on_the_first(job)
    as_user(client, candidate)
    for url in (f"/applications/{application.id}", f"/jobs/{job.id}"):
        en = read(client, url, EN)
        assert "This job was closed on December 1, 2026: it no longer takes applications." in en
        assert "Do not pay any fees" not in en and 'class="flash info job-closed"' in en


def test_the_employer_reads_why_only_colleagues_see_the_job(app, client):
    owner, job, _candidate, _application, official, report = applied()
    as_user(client, owner)
    job.status = JobStatus.PAUSED
    db.session.commit()
    assert "Only your colleagues can see this job: it is paused." in read(
        client, f"/jobs/{job.id}", EN
    )
    assert "此职位仅本企业成员可见：已暂停招聘。" in read(client, f"/jobs/{job.id}", ZH)

    job.status = JobStatus.CLOSED
    db.session.commit()
    en = read(client, f"/jobs/{job.id}", EN)
    assert "Only your colleagues can see this job: it is closed." in en
    assert "it is Closed" not in en
    assert "此职位仅本企业成员可见：已关闭。" in read(client, f"/jobs/{job.id}", ZH)

    job.status = JobStatus.PUBLISHED
    db.session.commit()
    decide(app, official, report, "uphold", close_job=True)
    en = read(client, f"/jobs/{job.id}", EN)
    assert (
        "Only your colleagues can see this job: the regional officials took it down after a "
        "review." in en
    )
    assert "此职位仅本企业成员可见：地区主管部门审查后已将其下架。" in read(
        client, f"/jobs/{job.id}", ZH
    )
