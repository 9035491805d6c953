"""Two browsers talk in real time: an employer at a desktop (1280×800) and a candidate on a
phone (390×844), both receiving through the event-stream server (app.chat.stream) on its
own port, with their session cookies, as under `yunpin run`."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Role
from tests import factories
from tests.browser.test_marketplace_story import DESKTOP, PHONE, log_in
from tests.streams import running_stream


@pytest.fixture
def stream_port(live_server, redis_server):
    """The stream server for the live app, on a port the pages are told of."""
    _base, app = live_server
    with running_stream(app, redis_server) as port:
        app.config["CHAT_STREAM_PORT"] = port
        yield port


@pytest.mark.browser
def test_employer_and_candidate_talk_in_real_time(browser, live_server, stream_port, tmp_path):
    base, app = live_server
    with app.app_context():
        owner = factories.user(Role.EMPLOYER, email="hr@example.com")
        employer = factories.employer(owner, name="江岸物流")
        job = factories.job(employer, title="叉车司机")
        candidate = factories.user(Role.SEEKER, email="li@example.com", name="李雷")
        factories.resume(candidate)
        db.session.commit()
        job_id = job.id

    phone_context, phone = log_in(browser, base, "li@example.com", PHONE)
    desk_context, desk = log_in(browser, base, "hr@example.com", DESKTOP)
    try:
        # The employer is on another page: its header badge listens to the stream.
        desk.goto(f"{base}/conversations")
        assert desk.locator("#chat-unread").is_hidden()

        # The candidate presses "Chat" on the job and writes.
        phone.goto(f"{base}/jobs/{job_id}")
        phone.get_by_role("button", name="Chat").click()
        phone.wait_for_url(f"{base}/conversations/*")
        conversation_url = phone.url
        phone.locator("#text").fill("您好，请问还招人吗？")
        phone.get_by_role("button", name="Send", exact=True).click()
        phone.locator(".message.mine", has_text="还招人吗").wait_for()

        # The employer's badge shows it without reloading; the employer opens the
        # conversation (reading it empties the badge) and answers.
        badge = desk.locator("#chat-unread")
        badge.filter(has_text="1").wait_for(timeout=5000)
        desk.reload()
        desk.locator(".conversations a").first.click()
        desk.locator(".message.theirs", has_text="还招人吗").wait_for()
        badge.wait_for(state="hidden", timeout=5000)
        desk.locator("#text").fill("招的，明天来面试吧。")
        desk.get_by_role("button", name="Send", exact=True).click()

        # The candidate's page shows it without reloading, and the employer sees it read.
        phone.locator(".message.theirs", has_text="明天来面试").wait_for(timeout=5000)
        desk.locator(".message.mine .receipt", has_text="Read").wait_for(timeout=5000)

        # A quick reply from the employer arrives too.
        desk.locator("button.quick").first.click()
        phone.locator(".message.theirs", has_text="when you can start").wait_for(timeout=5000)
        assert phone.locator("#chat-status").is_hidden()  # the stream, not polling

        phone.screenshot(path=str(tmp_path / "chat-phone.png"), full_page=True)
        desk.screenshot(path=str(tmp_path / "chat-desktop.png"), full_page=True)

        # The job page shows how fast the company answers; the candidate keeps the search.
        phone.goto(f"{base}/jobs/{job_id}")
        assert "Active today" in phone.locator(".reply-time").inner_text()
        phone.screenshot(path=str(tmp_path / "job-phone.png"), full_page=True)
        phone.goto(f"{base}/jobs/?q=叉车")
        phone.get_by_role("button", name="Save this search").click()
        phone.wait_for_url(f"{base}/saved-searches")
        assert "叉车" in phone.locator("main").inner_text()

        # Signed out in another tab: the open conversation stops receiving and says so.
        phone.goto(conversation_url)
        phone.locator(".message.theirs", has_text="明天来面试").wait_for()
        other_tab = phone_context.new_page()
        other_tab.goto(f"{base}/")
        other_tab.evaluate("document.querySelector('form[action$=\"/auth/logout\"]').submit()")
        other_tab.wait_for_url("**/")
        desk.locator("#text").fill("下午三点可以吗？")
        desk.get_by_role("button", name="Send", exact=True).click()
        phone.locator("#chat-status", has_text="signed out").wait_for(timeout=15000)
        assert phone.locator(".message", has_text="下午三点").count() == 0
        assert phone.locator("#text").is_disabled()
    finally:
        phone_context.close()
        desk_context.close()


@pytest.mark.browser
def test_alerts_arrive_for_new_matching_jobs(browser, live_server, redis_server, tmp_path):
    """A candidate on a phone saves two searches (instant and daily); a matching job is
    published; the alert jobs run as in a worker (no request) and the candidate finds both
    alerts in the app and by mail, then stops one from the mail client's one-click button
    (RFC 8058: a POST without cookies) and the other from the link in the mail."""
    import re

    import requests

    from app.alerts.tasks import send_alerts
    from app.dev.routes import read_outbox
    from app.models import AlertFrequency, SavedSearch, utcnow
    from app.queue import get_queue
    from tests.jobs import run_jobs

    base, app = live_server
    app.config["PUBLIC_URL"] = base  # where mail links point (the worker has no request)
    with app.app_context():
        employer = factories.employer(name="江岸物流")
        factories.user(Role.SEEKER, email="li@example.com", name="李雷", locale="en")
        db.session.commit()
        employer_id = employer.id

    phone_context, phone = log_in(browser, base, "li@example.com", PHONE)
    try:
        for query, frequency in (("叉车", "instant"), ("司机", "daily")):
            phone.goto(f"{base}/jobs/?q={query}")
            save = phone.get_by_role("button", name="Save this search")
            assert save.bounding_box()["y"] < PHONE["height"]  # on the first screen
            phone.locator("#alert-frequency").select_option(frequency)
            save.click()
            phone.wait_for_url(f"{base}/saved-searches")

        with app.app_context():
            job = factories.job(db.session.get(factories.Employer, employer_id), title="叉车司机")
            job.published_at = utcnow()  # published now, after the searches were saved
            db.session.commit()
            job_id = job.id
            assert send_alerts(AlertFrequency.INSTANT) == 1
            assert send_alerts(AlertFrequency.DAILY) == 1
            run_jobs([get_queue(app)], redis_server)
            mails = {m["subject"]: m for m in read_outbox()}

        phone.goto(f"{base}/notifications")
        notes = phone.locator("main").inner_text()
        assert "1 new job for your saved search “叉车”" in notes
        assert "1 new job for your saved search “司机”" in notes
        phone.screenshot(path=str(tmp_path / "alerts-phone.png"), full_page=True)

        instant = mails["1 new job for “叉车”"]
        daily = mails["1 new job for “司机”"]
        for mail in (instant, daily):
            assert f"{base}/jobs/{job_id}" in mail["body"]
            assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        one_click = instant["headers"]["List-Unsubscribe"].strip("<>")
        answer = requests.post(one_click, data="List-Unsubscribe=One-Click", timeout=10)
        assert answer.status_code == 200

        link = re.search(rf"{re.escape(base)}/saved-searches/\d+/unsubscribe/\S+", daily["body"])
        phone.goto(link.group(0))
        phone.get_by_role("button", name="Unsubscribe").click()
        phone.get_by_text("You will get no more alerts").wait_for()
        with app.app_context():
            frequencies = set(db.session.scalars(db.select(SavedSearch.frequency)))
        assert frequencies == {AlertFrequency.OFF}
    finally:
        phone_context.close()
