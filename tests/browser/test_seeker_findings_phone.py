"""A phone tester's findings, walked again at 390×844 in Chinese: a notification opened is
read, a used résumé file says so, answers sit under their questions, settings open on the
account, and the schedule and documents forms say each problem beside its field."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import ParseStatus, ResumeFile, Role, utcnow
from app.notifications.service import notify
from tests import factories
from tests.app.employers.helpers import ELF, PDF
from tests.web import sign_in_page

PHONE = {"width": 390, "height": 844}
NOTIFICATION_BADGE = "a[href='/notifications'] .badge"


@pytest.fixture
def people(live_server):
    base, app = live_server
    with app.app_context():
        owner = factories.user(Role.EMPLOYER, email="owner@example.com", locale="zh")
        employer = factories.employer(owner, name="江岸物流有限公司", verified=True)
        job = factories.job(
            employer, title="仓库管理员", screening_questions=["能否接受倒班？", "最快何时到岗？"]
        )
        seeker = factories.user(Role.SEEKER, email="seeker@example.com", locale="zh")
        factories.resume(seeker)
        application = factories.application(seeker, job, answers=["可以", "下周一"])
        notify(
            seeker,
            "invitation",
            "/applications/invitations",
            email=False,
            employer=employer.name,
            job=job.title,
        )
        db.session.add(
            ResumeFile(
                user_id=seeker.id,
                filename="我的简历.pdf",
                stored_name="seeker-cv.pdf",
                content_type="application/pdf",
                size=1,
                parse_status=ParseStatus.PARSED,
                parsed_fields={"headline": "仓库管理员", "skills": ["仓储"]},
                confirmed_at=utcnow() - timedelta(hours=1),
            )
        )
        unverified = factories.user(Role.EMPLOYER, email="new@example.com", locale="zh")
        factories.employer(unverified, verified=False)
        db.session.commit()
        return base, application.id


def phone_page(browser, base: str, email: str, shots):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in_page(page, base, email)

    def look(name: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width}px wide"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    return context, page, look


@pytest.mark.browser
def test_a_seekers_pages(browser, people, tmp_path):
    base, application_id = people
    context, page, look = phone_page(browser, base, "seeker@example.com", tmp_path)

    page.goto(base + "/notifications")
    assert page.locator(NOTIFICATION_BADGE).count() > 0
    look("notifications")
    page.locator("ul.list li.unread a").first.click()
    page.wait_for_url(base + "/applications/invitations")
    page.goto(base + "/notifications")
    assert page.locator(NOTIFICATION_BADGE).count() == 0 and page.locator("li.unread").count() == 0

    page.goto(base + "/resumes/mine")
    assert page.locator(".files .parse-used").is_visible()  # not "Ready to review"
    look("resume-files")
    page.locator(".files a").first.click()
    assert page.locator("p.parse-used").is_visible()
    look("resume-file-used")

    page.goto(f"{base}/applications/{application_id}")
    assert page.locator("dl.answers dt").all_inner_texts() == ["能否接受倒班？", "最快何时到岗？"]
    look("application-answers")

    page.locator(".menu-toggle").click()
    page.locator("#main-nav .mainnav__account a").first.click()
    page.wait_for_url(base + "/settings/security")
    tabs = page.locator("nav.tabs a").all_inner_texts()
    assert tabs[0] == "密码与设备" and tabs[-1] == "API 令牌", tabs
    look("settings")
    context.close()


@pytest.mark.browser
def test_an_employers_forms_say_each_problem_beside_its_field(browser, people, tmp_path):
    base, application_id = people
    context, page, look = phone_page(browser, base, "owner@example.com", tmp_path)
    page.goto(f"{base}/video/applications/{application_id}/schedule")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    past = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    later = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#slot-0").fill(past)
    page.locator("#slot-1").fill(later)
    page.locator("#slot-2").fill(later)
    page.locator("form.interview-schedule button.button").click()
    assert page.locator("#slot-0-error").is_visible() and page.locator("#slot-2-error").is_visible()
    assert page.locator("#slot-1").input_value() == later
    look("schedule-errors")
    context.close()

    context, page, look = phone_page(browser, base, "new@example.com", tmp_path)
    page.goto(base + "/employers/mine/verification")
    look("documents")
    page.locator("#business_licence").set_input_files(
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#legal_rep_id").set_input_files(
        {"name": "身份证.jpg", "mimeType": "image/jpeg", "buffer": ELF}
    )
    page.locator("button[value=save]").click()
    assert page.locator("#legal_rep_id-error").is_visible()
    assert page.locator("#business_licence-error").count() == 0
    assert "营业执照.pdf" in page.locator("dl.facts").inner_text()
    look("documents-bad-file")
    context.close()
