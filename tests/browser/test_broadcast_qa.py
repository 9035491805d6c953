"""Live Q&A moderation end to end in two real browsers: a signed-in viewer on a phone asks
(with markup, stored as plain text), the host in the studio approves, answers in text and
pins it, rejects another; the viewer's open page shows the approved question and its answer
without a reload (the page polls), never the rejected one, and takes one upvote."""

from __future__ import annotations

import pytest

from app.broadcasts import service
from app.database import writing
from app.extensions import db
from app.models import Role, utcnow
from tests import factories
from tests.browser.test_broadcast_e2e import DESKTOP, PHONE, log_in, wait_until

QUESTION = "社保补贴何时发放？"
ANSWER = "每月15日前发放。"
REJECTED = "广告：加微信领补贴"


@pytest.mark.browser
def test_questions_are_moderated_and_reach_the_viewers_open_page(browser, live_server):
    base, app = live_server
    app.config["BROADCAST_STALE_SECONDS"] = 3600  # no media in this test: it stays live
    with app.app_context():
        official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
        factories.user(Role.SEEKER, region_code="420102", email="s@example.com")
        broadcast = service.create(
            db.session,
            title="政策直播答疑",
            starts_at=utcnow(),
            region_code="420102",
            host=official,
        )
        service.went_live(db.session, broadcast)
        db.session.commit()
        watch, studio_url = (
            f"{base}/broadcasts/{broadcast.id}",
            f"{base}/broadcasts/{broadcast.id}/studio",
        )

    viewer_context, viewer = log_in(browser, base, "s@example.com", PHONE)
    host_context, host = log_in(browser, base, "o@example.com", DESKTOP)
    try:
        viewer.goto(watch)
        for text in (f"<b>{QUESTION}</b>", REJECTED):
            viewer.locator("#question-body").fill(text)
            viewer.get_by_role("button", name="Ask").click()
            viewer.wait_for_url(watch + "#questions")
            assert viewer.get_by_text("appears once a moderator approves it").count() == 1
        assert QUESTION not in viewer.locator("#question-list").inner_text()

        host.goto(studio_url)
        asked = host.locator("article.question", has_text=QUESTION)
        assert "<b>" not in asked.inner_text() and "Waiting for approval" in asked.inner_text()
        asked.get_by_role("button", name="Approve").click()
        host.locator("article.question", has_text=REJECTED).get_by_role(
            "button", name="Reject"
        ).click()
        asked = host.locator("article.question", has_text=QUESTION)
        asked.get_by_label("Answer in text").fill(ANSWER)
        asked.get_by_role("button", name="Send answer").click()
        host.locator("article.question", has_text=QUESTION).get_by_role(
            "button", name="Pin"
        ).click()
        assert host.locator("article.question", has_text=REJECTED).count() == 0
        assert "Pinned" in host.locator("article.question", has_text=QUESTION).inner_text()

        # The viewer's page, not reloaded, shows it within a poll or two.
        wait_until(
            viewer,
            f"document.getElementById('question-list').innerText.includes({ANSWER!r})",
            timeout_ms=30_000,
        )
        shown = viewer.locator("#question-list").inner_text()
        assert QUESTION in shown and "Pinned" in shown and REJECTED not in shown
        viewer.locator("#question-list button", has_text="▲ 0").click()
        wait_until(viewer, "document.getElementById('question-list').innerText.includes('▲ 1')")
        viewer.screenshot(path=str(app.instance_path) + "/qa-viewer.png", full_page=True)
    finally:
        viewer_context.close()
        host_context.close()


@pytest.mark.browser
def test_an_open_watch_page_follows_the_end_of_the_broadcast(browser, live_server):
    """The host presses "End broadcast" while a viewer's page is open: without a reload the
    page stops saying it is live (no "Live, 0 watching" over the replay) and closes its
    question box, as the server does."""
    base, app = live_server
    app.config["BROADCAST_STALE_SECONDS"] = 3600  # no media in this test: live until ended
    with app.app_context():
        official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
        factories.user(Role.SEEKER, region_code="420102", email="s@example.com")
        broadcast = service.create(
            db.session, title="政策直播", starts_at=utcnow(), region_code="420102", host=official
        )
        service.went_live(db.session, broadcast)
        db.session.commit()
        broadcast_id = broadcast.id

    context, viewer = log_in(browser, base, "s@example.com", PHONE)
    try:
        viewer.goto(f"{base}/broadcasts/{broadcast_id}")
        status = viewer.locator("h1 + p.meta")  # the line under the title
        assert status.inner_text().startswith("Live") and viewer.locator("#ask").count() == 1

        # what the WHIP DELETE of "End broadcast" does, with its write lock: the viewer's
        # page writes too, and a read-then-write transaction would be refused under WAL
        with app.app_context(), writing():
            service.ended(db.session, db.session.get(type(broadcast), broadcast_id))
            db.session.commit()
        wait_until(
            viewer,
            "document.querySelector('h1 + p.meta').innerText.startsWith('Ended')",
            timeout_ms=30_000,
        )
        assert "Live" not in status.inner_text() and viewer.locator("#watching").count() == 0
        assert viewer.locator("#ask").count() == 0
        assert viewer.locator("#questions h2").inner_text() == "Questions and answers"
        assert viewer.locator("#player").get_attribute("data-status") == "ended"
    finally:
        context.close()
