"""The pages a close changes, walked at 390×844 in Chinese and in English: the candidate's
job page, application and cancelled interview say the job is closed and why the interview
went, in the page's one language, and the employer's review and scheduling pages offer no
interview; none is wider than the phone. Screenshots go to the test's folder."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.interviews import service as interviews
from app.jobs import closing
from app.models import Role, Stage
from tests import factories
from tests.app.interviews.helpers import local_slot
from tests.web import sign_in_page

PHONE = {"width": 390, "height": 844}
BROWSER_LOCALES = {"zh": "zh-CN", "en": "en-GB"}


@pytest.fixture
def closed(live_server):
    """A job its employer closed while an interview was being arranged for a candidate."""
    base, app = live_server
    with app.app_context(), app.test_request_context(method="POST"):
        owner = factories.user(Role.EMPLOYER, email="owner@example.com", name="招聘经理")
        employer = factories.employer(owner, name="江岸物流有限公司", verified=True)
        job = factories.job(employer, title="叉车司机", deadline=datetime(2027, 1, 31).date())
        seeker = factories.user(Role.SEEKER, email="seeker@example.com", name="李雷")
        factories.resume(seeker)
        application = factories.application(seeker, job, stage=Stage.SCREENING)
        slot = [datetime.fromisoformat(local_slot(48))]
        interview = interviews.propose(application, owner, slot, "Asia/Shanghai", 30)
        db.session.commit()
        closing.close(job, owner)
        db.session.commit()
        return base, job.id, application.id, interview.id


def walk(browser, base: str, email: str, lang: str, shots, pages: dict[str, str]) -> dict:
    """Each of PAGES (name → path) as EMAIL reads it in LANG on a phone: its main text."""
    context = browser.new_context(viewport=PHONE, locale=BROWSER_LOCALES[lang])
    page = context.new_page()
    sign_in_page(page, base, email)
    texts = {}
    for name, path in pages.items():
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} ({lang}) is {width}px wide"
        page.screenshot(path=str(shots / f"{name}-{lang}.png"), full_page=True)
        texts[name] = page.locator("main").inner_text()
    context.close()
    return texts


@pytest.mark.browser
def test_a_closed_job_on_a_phone_in_each_language(browser, closed, tmp_path):
    base, job_id, application_id, interview_id = closed
    candidate_pages = {
        "job": f"/jobs/{job_id}",
        "application": f"/applications/{application_id}",
        "interview": f"/video/interviews/{interview_id}",
        "notifications": "/notifications",
    }
    employer_pages = {
        "review": f"/applications/review/{application_id}",
        "schedule": f"/video/applications/{application_id}/schedule",
        "interview-employer": f"/video/interviews/{interview_id}",
    }
    en = walk(browser, base, "seeker@example.com", "en", tmp_path, candidate_pages)
    assert "This job was closed on " in en["job"] and "Apply by" not in en["job"]
    assert "This job was closed on " in en["application"]
    assert "Withdraw my application" not in en["application"]
    assert "Cancelled: The job was closed." in en["interview"]
    assert (
        "The interview for 叉车司机 was cancelled by 招聘经理: The job was closed."
        in (en["notifications"])
    )

    zh = walk(browser, base, "seeker@example.com", "zh", tmp_path, candidate_pages)
    assert "已取消：职位已关闭。" in zh["interview"]
    assert "“叉车司机”的面试已被招聘经理取消：职位已关闭。" in zh["notifications"]
    assert "投递截止" not in zh["job"]  # no apply-by date on a closed job
    for text in zh.values():
        assert "The job was closed." not in text

    en = walk(browser, base, "owner@example.com", "en", tmp_path, employer_pages)
    refusal = "This job is closed, so no interview can be arranged for it."
    assert refusal in en["review"] and "Schedule interview\n" not in en["review"]
    assert refusal in en["schedule"] and "Propose times" not in en["schedule"]
    assert "Cancelled: Your team cancelled it." not in en["interview-employer"]
    assert "Cancelled: The job was closed." in en["interview-employer"]
    walk(browser, base, "owner@example.com", "zh", tmp_path, employer_pages)
