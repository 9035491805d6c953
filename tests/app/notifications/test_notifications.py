"""The notifications page, the unread badge in the header, and marking them read."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.notifications.service import notify
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
