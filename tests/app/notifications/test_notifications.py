"""The notifications page, the unread badge in the header, and marking them read."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.notifications.service import notify, render
from tests import factories
from tests.web import as_user, no_writes, post_form


def test_badge_counts_unread_and_reading_them_clears_it(client, worker):
    user = factories.user()
    other = factories.user()
    notify(user, "welcome")
    notify(user, "job_reported", "/officials/reports", email=False, job="Java开发工程师")
    notify(other, "welcome")
    as_user(client, user)
    assert worker() == 2  # one email per notification that asks for one
    with no_writes():
        page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="2 unread"' in page
    assert "A job was reported as fraudulent: Java开发工程师" in page
    response = post_form(client, "/notifications/read", {}, token_from="/notifications")
    assert response.status_code == 302
    assert 'class="badge"' not in client.get("/notifications").get_data(as_text=True)
    unread = select(Notification.user_id).where(Notification.read_at.is_(None))
    assert db.session.scalars(unread).all() == [other.id]


def test_a_multi_line_message_mails_with_a_one_line_subject_and_retries(app, worker):
    from app.dev.routes import read_outbox
    from app.queue import get_queue

    user = factories.user(locale="en")
    notify(user, "identity_rejected", reasons="The face was not visible.\nPlease try again.")
    db.session.commit()
    (job,) = get_queue(app).get_jobs()
    assert job.func_name == "app.notifications.tasks.deliver" and job.retries_left == 6
    assert worker() == 1
    (mail,) = read_outbox()
    assert "\n" not in mail["subject"] and mail["subject"].endswith("…")
    assert "The face was not visible.\nPlease try again." in mail["body"]


def test_administrators_see_undelivered_mail_with_the_reason_and_send_it_again(
    app, client, redis_server
):
    """Finding 11 of issue #12: failed mail was visible to nobody."""
    from app.dev.routes import read_outbox
    from app.models import Role
    from app.queue import get_queue
    from tests.jobs import run_jobs

    queue = get_queue(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens: refused
    queue.enqueue("app.notifications.tasks.deliver", "lost@example.com", "面试通知", "正文")
    run_jobs([queue], redis_server)
    assert queue.failed_job_registry.count == 1
    url = "/admin/mail/failed"

    assert client.get(url).status_code == 302  # to the log-in page
    for role in (Role.SEEKER, Role.EMPLOYER, Role.OFFICIAL):
        as_user(client, factories.user(role))
        assert client.get(url).status_code == 403
        job_id = queue.failed_job_registry.get_job_ids()[0]
        refused = post_form(client, f"{url}/{job_id}/retry", {}, token_from="/")
        assert refused.status_code == 403

    as_user(client, factories.user(Role.ADMIN))
    with no_writes():
        page = client.get(url).get_data(as_text=True)
    assert "lost@example.com" in page and "面试通知" in page and "ConnectionRefusedError" in page
    assert post_form(client, f"{url}/no-such-job/retry", {}, token_from=url).status_code == 404

    app.config.update(MAIL_SERVER="")  # the mail server is back (here: the outbox)
    response = post_form(client, f"{url}/{job_id}/retry", {}, token_from=url)
    assert response.status_code == 303
    run_jobs([queue], redis_server)
    assert queue.failed_job_registry.count == 0
    assert [m["to"] for m in read_outbox()] == ["lost@example.com"]
    assert "lost@example.com" not in client.get(url).get_data(as_text=True)


def test_mail_has_absolute_links_an_html_part_and_the_settings_link(app, worker, tmp_path):
    """Links are made absolute on PUBLIC_URL (worker-sent mail has no request to take a host
    from); the HTML alternative carries the same text with clickable links."""
    from email import policy
    from email.parser import BytesParser
    from pathlib import Path

    app.config["PUBLIC_URL"] = "https://jobs.example.cn"
    user = factories.user(locale="en")
    notify(user, "welcome", "/video/interviews/74")
    db.session.commit()
    assert worker() == 1
    (path,) = Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "https://jobs.example.cn/video/interviews/74" in text
    assert '<a href="https://jobs.example.cn/video/interviews/74">' in html
    assert "https://jobs.example.cn/settings/privacy#choices" in text  # the mail choices
    assert 'href="https://jobs.example.cn/settings/privacy#choices"' in html
    assert "Notification settings" in html and '<html lang="en">' in html
    assert "\n/video/" not in text  # no relative link left


def test_a_stage_is_named_in_the_language_the_page_is_read_in(app, client):
    user = factories.user(locale="en")
    notify(user, "stage_changed", email=False, job="焊工", stage="interview")
    notify(user, "stage_changed", email=False, job="叉车司机", stage="面试")  # an older row
    db.session.commit()
    as_user(client, user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your application for 焊工 moved to: Interview" in page
    assert "Your application for 叉车司机 moved to: 面试" in page
    note = db.session.scalars(select(Notification).order_by(Notification.id)).first()
    with app.test_request_context(), force_locale("zh"):  # after a switch of language
        assert render(note) == "您投递的职位 焊工 进度更新为：面试"
