"""Saved searches send the jobs published since the last alert, in the app and by mail,
and one signed link stops them."""

from __future__ import annotations

import re
from datetime import timedelta

from app.alerts import service
from app.alerts.tasks import beijing_hour, send_alerts
from app.extensions import db
from app.models import AlertFrequency, Notification, Role, utcnow
from tests import factories
from tests.web import as_user, post_form


def test_instant_alert_lists_new_matching_jobs_and_unsubscribes_in_one_click(app, client, worker):
    from app.dev.routes import read_outbox

    seeker = factories.user(Role.SEEKER, locale="en")
    employer = factories.employer()
    saved = service.save(seeker, "", "叉车", {"region": "420102"}, AlertFrequency.INSTANT)
    saved.alerted_until = utcnow() - timedelta(hours=1)
    match = factories.job(employer, title="叉车司机")
    other = factories.job(employer, title="会计")
    old = factories.job(employer, title="叉车维修")
    for job, age in (
        (match, timedelta(minutes=30)),
        (other, timedelta(minutes=30)),
        (old, timedelta(days=2)),
    ):
        job.published_at = utcnow() - age
    db.session.commit()

    # As in a worker: no request and no SERVER_NAME to build links on, only PUBLIC_URL.
    app.config.update(SERVER_NAME=None, PUBLIC_URL="https://jobs.example.cn")
    try:
        assert send_alerts(AlertFrequency.INSTANT) == 1
    finally:
        app.config.update(SERVER_NAME="yunpin.test", PUBLIC_URL=None)
    assert worker() >= 1
    (mail,) = read_outbox()
    assert mail["to"] == seeker.email and "1 new job for" in mail["subject"]
    # RFC 8058 one-click unsubscribe: the mail client POSTs to the link, with no session.
    one_click = mail["headers"]["List-Unsubscribe"]
    assert re.fullmatch(
        r"<https://jobs\.example\.cn/saved-searches/\d+/unsubscribe/\S+>", one_click
    )
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/jobs/{match.id}" in mail["body"] and "会计" not in mail["body"]
    note = db.session.query(Notification).filter_by(user_id=seeker.id).one()
    assert note.kind == "saved_search_alert"
    assert send_alerts(AlertFrequency.INSTANT) == 0  # nothing new since

    link = re.search(r"https://[^/]+(/saved-searches/\d+/unsubscribe/\S+)", mail["body"]).group(1)
    assert one_click == f"<https://jobs.example.cn{link}>"
    assert client.get(link).status_code == 200  # a page with one button: GETs never write
    db.session.refresh(saved)
    assert saved.frequency == AlertFrequency.INSTANT
    mail_client = app.test_client()  # no cookie, no CSRF token: what RFC 8058 clients send
    assert mail_client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(saved)
    assert saved.frequency == AlertFrequency.OFF
    assert client.get(link[:-3] + "xyz").status_code == 404


def test_saving_the_search_of_the_jobs_page(client):
    seeker = as_user(client, factories.user(Role.SEEKER))
    response = post_form(
        client,
        "/saved-searches",
        {"q": "焊工", "region": "420102", "frequency": "daily"},
        token_from="/saved-searches",
    )
    assert response.status_code == 302
    (saved,) = service.saved_of(seeker)
    assert (saved.query, saved.filters, saved.frequency) == ("焊工", {"region": "420102"}, "daily")
    assert "焊工" in client.get("/saved-searches").get_data(as_text=True)


def test_daily_alerts_leave_at_eight_beijing_time():
    from datetime import datetime

    assert beijing_hour(datetime(2026, 12, 1, 0, 30)) == 8  # 00:30 UTC
    assert beijing_hour(datetime(2026, 12, 1, 23, 0)) == 7


def test_favourites_and_who_viewed_my_resume(client):
    seeker = factories.user(Role.SEEKER)
    resume = factories.resume(seeker)
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, name="江岸物流")
    job = factories.job(employer)
    factories.application(seeker, job, resume_id=resume.id)
    as_user(client, owner)
    assert client.get(f"/resumes/{resume.id}").status_code == 200
    as_user(client, seeker)
    assert "江岸物流" in client.get("/resumes/viewers").get_data(as_text=True)
    post_form(client, f"/jobs/{job.id}/favourite", {}, token_from=f"/jobs/{job.id}")
    assert job.title in client.get("/favourites").get_data(as_text=True)
