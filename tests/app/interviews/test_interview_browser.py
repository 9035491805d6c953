"""The issue's "done when": an employer and a candidate schedule and hold an interview in
two browser windows (Chromium with a fake camera; the candidate on a phone viewport)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.media.service import settings_for
from app.models import EmployerMember
from tests.app.interviews.test_room import scheduled
from tests.web import sign_in_page
from video.embedded import start_in_thread

from .helpers import local_slot, world

pytestmark = pytest.mark.browser

SEES_REMOTE_VIDEO = (
    "() => [...document.querySelectorAll('#remote video')].some(v => v.videoWidth > 0)"
)


def test_employer_and_candidate_schedule_and_hold_an_interview(browser, live_server):
    base, app = live_server
    media = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = media.url
    with app.app_context():
        w = world()
        application_id, owner_email, candidate_email = (
            w["application"].id,
            w["owner"].email,
            w["candidate"].email,
        )
        db.session.remove()
    employer_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    candidate_ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        employer, candidate = employer_ctx.new_page(), candidate_ctx.new_page()
        errors = []
        for page in (employer, candidate):
            page.on("pageerror", lambda e: errors.append(str(e)))

        # The employer proposes a time from the application; the candidate picks it.
        sign_in_page(employer, base, owner_email)
        employer.goto(f"{base}/applications/review/{application_id}")
        employer.locator(f"a[href='/video/applications/{application_id}/schedule']").click()
        employer.locator("#slot-0").fill(local_slot(1))
        employer.locator("form.interview-schedule button").click()
        employer.wait_for_url("**/video/interviews/*")
        interview_url = employer.url

        sign_in_page(candidate, base, candidate_email)
        candidate.goto(interview_url)
        candidate.locator(".slots button").first.click()
        candidate.wait_for_selector("a[href$='/room']")

        # Both open the room; the interviewer joins, the candidate waits until admitted.
        employer.goto(interview_url + "/room")
        employer.locator("#join:not([disabled])").click()
        candidate.goto(interview_url + "/room")
        candidate.locator("#join:not([disabled])").click()
        employer.locator("#waiting-list button.admit").click(timeout=15000)

        employer.wait_for_function(SEES_REMOTE_VIDEO, timeout=30000)
        candidate.wait_for_function(SEES_REMOTE_VIDEO, timeout=30000)
        assert (
            candidate.locator("#in-room").is_visible()
            and candidate.locator(".scorecard").count() == 0
        )

        # Chat over the data channel, then the interviewer ends the interview.
        candidate.locator("#chat-text").fill("你好")
        candidate.locator("#chat-form button").click()
        employer.wait_for_selector("#chat-log li:has-text('你好')")
        employer.locator("#notes").fill("表达清楚")
        employer.locator(".scorecard form button").first.click()
        employer.wait_for_url("**/room")
        assert not errors, errors
    finally:
        employer_ctx.close()
        candidate_ctx.close()
        media.stop()


@pytest.mark.parametrize(
    ("locale", "message", "way_out"),
    [
        ("zh", "你已无权参加此面试，已离开面试房间。", "返回首页"),
        (
            "en",
            "You no longer have access to this interview, so you have left its room.",
            "Back to the home page",
        ),
    ],
)
def test_a_member_removed_mid_call_is_shown_the_way_to_a_page_they_can_see(
    browser, live_server, tmp_path, locale, message, way_out
):
    """The interview's own page answers them 404 once they are out of the company, so the
    room sends them to the home page instead, and hides what would answer 404 too (the link
    back to the interview, the lobby, the scorecard)."""
    base, app = live_server
    media = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = media.url
    with app.app_context():
        w = world()
        w["colleague"].locale = locale
        db.session.commit()
        interview = scheduled(app.test_client(), w)
        interview_id = interview.id
        room_url = f"{base}/video/interviews/{interview_id}/room"
        colleague_id, colleague_email = w["colleague"].id, w["colleague"].email
        db.session.remove()
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = phone.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in_page(page, base, colleague_email)
        page.goto(room_url)
        page.locator("#join:not([disabled])").click()
        page.wait_for_function(
            "() => document.getElementById('connection').textContent"
            " === document.getElementById('video-room').dataset.textConnected",
            timeout=30000,
        )
        page.wait_for_timeout(500)  # the data channel, which brings the hang-up's reason

        with app.app_context():
            member = db.session.scalars(
                select(EmployerMember).where(EmployerMember.user_id == colleague_id)
            ).one()
            db.session.delete(member)
            db.session.commit()
            db.session.remove()

        page.wait_for_selector("#room-closed", state="visible", timeout=30000)
        assert page.locator("#room-closed-message").inner_text() == message
        link = page.locator("#room-closed-link")
        assert (link.inner_text(), link.get_attribute("href")) == (way_out, "/")
        for needing_access in (
            f"a[href$='/video/interviews/{interview_id}']",
            ".waiting",
            ".scorecard",
        ):
            assert page.locator(needing_access).is_hidden()
        page.screenshot(path=tmp_path / f"room-removed-{locale}.png")  # to look at
        link.click()
        page.wait_for_url(base + "/")
        assert not errors, errors
    finally:
        phone.close()
        media.stop()
