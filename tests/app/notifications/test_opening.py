"""Opening a notification from the list marks it read and leads where it points: the badge
counts one fewer without "Mark all as read"."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.notifications.service import notify
from tests import factories
from tests.web import as_user, sign_out


def note_of(user, kind: str) -> Notification:
    return db.session.scalar(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    )


def test_following_a_notification_marks_it_read_and_leads_to_its_page(app, client):
    app.config["PUBLIC_URL"] = "https://yunpin.example"
    user, other = factories.user(), factories.user()
    notify(user, "job_reported", "/officials/reports", email=False, job="Java开发工程师")
    alert_link = "https://yunpin.example/jobs/?q=java"  # a worker's: absolute on PUBLIC_URL
    notify(user, "saved_search_alert", alert_link, email=False, name="java", count=2)
    notify(user, "broadcast_live", "https://evil.example/phish", email=False, title="x")
    notify(other, "broadcast_live", "/broadcasts/1", email=False, title="x")
    db.session.commit()
    reported, alert = note_of(user, "job_reported"), note_of(user, "saved_search_alert")
    strange, others = note_of(user, "broadcast_live"), note_of(other, "broadcast_live")
    as_user(client, user)

    page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="3 unread"' in page
    hrefs = re.findall(r'href="(/notifications/\d+/open)"', page)
    assert f"/notifications/{reported.id}/open" in hrefs and len(hrefs) == 3

    response = client.get(f"/notifications/{reported.id}/open")
    assert (response.status_code, response.headers["Location"]) == (303, "/officials/reports")
    db.session.refresh(reported)
    first_read = reported.read_at
    assert first_read is not None
    assert 'aria-label="2 unread"' in client.get("/notifications").get_data(as_text=True)

    response = client.get(f"/notifications/{reported.id}/open")  # opened again: no change
    assert response.status_code == 303
    db.session.refresh(reported)
    assert reported.read_at == first_read

    response = client.get(f"/notifications/{alert.id}/open")
    assert response.headers["Location"] == "/jobs/?q=java"
    response = client.get(f"/notifications/{strange.id}/open")
    assert response.headers["Location"] == "/notifications"  # never off the site

    assert client.get(f"/notifications/{others.id}/open").status_code == 404
    assert client.get("/notifications/99999999/open").status_code == 404
    db.session.refresh(others)
    assert others.read_at is None
    assert 'class="badge"' not in client.get("/notifications").get_data(as_text=True)

    sign_out(client)
    response = client.get(f"/notifications/{others.id}/open")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    db.session.refresh(others)
    assert others.read_at is None
