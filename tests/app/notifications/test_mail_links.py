"""What a mail reader sees: text in their language as written, links to this site's
configured address (from a worker too), and a footer that opens the mail choices."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from app.cli import served_url
from app.config import build_config
from app.extensions import db
from app.models import Broadcast, BroadcastReminder, Role, utcnow
from app.notifications.service import notify
from app.queue import get_queue
from tests import factories
from tests.web import as_user

ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}|&#\d+;|&#x[0-9a-fA-F]+;")


def mails(app) -> list:
    """Every message in the outbox, parsed as a mail program does."""
    outbox = Path(app.config["MAIL_OUTBOX"])
    return [
        BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        for path in sorted(outbox.glob("*.eml"))
    ]


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_text_part_says_what_the_html_part_says_in_chinese(app, worker):
    owner = factories.user(Role.EMPLOYER, locale="zh")
    notify(owner, "application_received", "/applications", candidate="李雷", job="叉车司机")
    with app.test_request_context(method="POST"):  # as services send it, in a request
        notify(owner, "review_returned", "/employers/mine", reasons="营业执照“模糊”，请重传")
    db.session.commit()
    assert worker() == 2
    for message in mails(app):
        text, html = parts(message)
        assert not ESCAPE.search(text), text
        assert "李雷" in text or "营业执照“模糊”，请重传" in text
        body = text.split("\n-- \n")[0].strip()
        for line in body.splitlines():
            assert line in html  # the same words, not an escaped copy of them


def test_the_footer_opens_the_email_choices(app, client, worker):
    user = factories.user(locale="en")
    notify(user, "welcome")
    db.session.commit()
    worker()
    ((text, html),) = [parts(m) for m in mails(app)]
    footer = text.split("\n-- \n")[1]
    link = re.search(r"https?://\S+", footer).group(0)
    assert link == "http://yunpin.test/settings/privacy#choices"
    assert f'href="{link}"' in html
    as_user(client, user)
    page = client.get(link.removeprefix("http://yunpin.test").split("#")[0])
    assert page.status_code == 200
    page = page.get_data(as_text=True)
    assert 'id="choices"' in page and "Send me notifications by email too" in page


def test_a_worker_links_mail_to_the_configured_address(app, worker, monkeypatch, tmp_path):
    """A worker has no request: its links come from PUBLIC_URL, never from the request
    context it makes up for url_for (host "localhost") nor from a default address."""
    monkeypatch.setenv("PUBLIC_URL", "https://jobs.example.cn")
    configured = build_config(str(tmp_path))  # what a worker process reads at start
    assert (configured["SERVER_NAME"], configured["PREFERRED_URL_SCHEME"]) == (
        "jobs.example.cn",
        "https",
    )
    app.config.update(
        {key: configured[key] for key in ("PUBLIC_URL", "SERVER_NAME", "PREFERRED_URL_SCHEME")}
    )
    host = factories.user(Role.OFFICIAL)
    viewer = factories.user(locale="en")
    broadcast = Broadcast(
        title="Job fair briefing", starts_at=utcnow(), host_id=host.id, storage_key="k" * 32
    )
    db.session.add(broadcast)
    db.session.flush()
    db.session.add(BroadcastReminder(broadcast_id=broadcast.id, user_id=viewer.id))
    db.session.commit()
    get_queue(app).enqueue("app.broadcasts.tasks.remind", broadcast.id)
    assert worker() >= 2  # the reminder, then its mail
    ((text, html),) = [parts(m) for m in mails(app)]
    links = re.findall(r"https?://[^\s<>\"]+", text + html)
    assert f"https://jobs.example.cn/broadcasts/{broadcast.id}" in links
    assert "https://jobs.example.cn/settings/privacy#choices" in links
    assert all(link.startswith("https://jobs.example.cn/") for link in links), links


def test_yunpin_run_links_mail_to_where_it_serves():
    assert served_url("127.0.0.1", 5000) == "http://127.0.0.1:5000"
    assert served_url("localhost", 8080) == "http://localhost:8080"
    assert served_url("::1", 5000) == "http://[::1]:5000"
    on_every_interface = served_url("0.0.0.0", 5000)  # another device's way in
    assert on_every_interface.endswith(":5000") and "0.0.0.0" not in on_every_interface
