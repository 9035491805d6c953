"""Webhooks: a receiver on loopback gets signed deliveries, retried with back-off by RQ."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.accounts.service import create_api_token
from app.applications import service as applications
from app.extensions import db
from app.interviews import service as interviews
from app.models import DeliveryStatus, Role, Stage, Webhook, WebhookDelivery
from app.queue import get_queue
from app.webhooks import service
from tests import factories
from tests.jobs import run_jobs


class Receiver:
    """An HTTP server on 127.0.0.1 answering each POST with the next status of STATUSES."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/yunpin"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def verify(secret: str, headers: dict[str, str], body: bytes) -> int:
    """The receiver's side of the contract; returns the signed timestamp."""
    fields = dict(part.split("=", 1) for part in headers["Yunpin-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(fields["v1"], expected.hexdigest())
    return int(fields["t"])


@pytest.fixture
def dev_app(app):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    app.config["WEBHOOK_RETRY_INTERVALS"] = [0, 0, 0]
    return app


def owner_with_job():
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer)
    token = create_api_token(owner, "hr system")
    db.session.commit()
    return owner, job, {"Authorization": f"Bearer {token}"}


def apply_to(job):
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application, _created = applications.apply(candidate, job)
    db.session.commit()
    return application


def test_loopback_receiver_gets_signed_retried_deliveries(dev_app, client, worker):
    owner, job, auth = owner_with_job()
    with Receiver([500, 503]) as receiver:
        created = client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["application.created", "interview.scheduled"]},
            headers=auth,
        )
        assert created.status_code == 201, created.json
        hook = created.json
        assert set(hook) == {"id", "url", "events", "secret"}
        application = apply_to(job)
        started = int(time.time())
        worker()

    assert len(receiver.requests) == 3  # two refusals, then delivered
    bodies = {body for _headers, body in receiver.requests}
    assert len(bodies) == 1, "every retry sends the same bytes"
    for headers, body in receiver.requests:
        assert headers["Yunpin-Event"] == "application.created"
        assert headers["Content-Type"] == "application/json"
        assert abs(verify(hook["secret"], headers, body) - started) < 60
    payload = json.loads(bodies.pop())
    assert payload["event"] == "application.created"
    assert payload["data"]["application_id"] == application.id
    assert payload["data"]["job_id"] == job.id

    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth).json["items"]
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [
        ("application.created", "delivered", 3)
    ]
    assert log[0]["response_status"] == 200


def test_events_not_subscribed_are_not_sent_and_rotation_changes_the_secret(
    dev_app, client, worker
):
    owner, job, auth = owner_with_job()
    with Receiver([]) as receiver:
        hook = client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["application.stage_changed"]},
            headers=auth,
        ).json
        application = apply_to(job)  # application.created: not subscribed
        rotated = client.post(f"/api/v1/webhooks/{hook['id']}/secret", headers=auth).json
        assert rotated["secret"] != hook["secret"]
        applications.move_stage(application, Stage.SCREENING, owner)
        db.session.commit()
        worker()
    assert [h["Yunpin-Event"] for h, _b in receiver.requests] == ["application.stage_changed"]
    headers, body = receiver.requests[0]
    verify(rotated["secret"], headers, body)
    assert json.loads(body)["data"]["stage"] == "screening"


def test_delivery_that_keeps_failing_is_logged_as_failed(dev_app, redis_server):
    _owner, job, _auth = owner_with_job()
    with Receiver([500] * 10) as receiver:
        service.create(job.employer, receiver.url, ["application.created"], _owner)
        db.session.commit()
        apply_to(job)
        queue = get_queue(dev_app)
        run_jobs([queue], redis_server)
    assert len(receiver.requests) == 4  # the first try and three retries
    delivery = db.session.scalar(db.select(WebhookDelivery))
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.FAILED,
        4,
        500,
    )
    assert delivery.error == "HTTP 500"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "https://localhost/hook",
        "ftp://example.com/",
        "https://user:pw@127.0.0.1/",
        # IPv6 forms that carry a private IPv4 address: NAT64, IPv4-compatible, 6to4, Teredo
        "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "https://[64:ff9b::7f00:1]:5500/",
        "https://[::7f00:1]/",
        "https://[2002:a9fe:a9fe::]/",
        "https://[::ffff:10.0.0.1]/",
    ],
)
def test_private_and_loopback_addresses_are_refused_outside_development(app, client, url):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False  # as in production
    _owner, _job, auth = owner_with_job()
    response = client.post(
        "/api/v1/webhooks", json={"url": url, "events": ["application.created"]}, headers=auth
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_owner_only_and_other_employers_hooks_are_404(dev_app, client):
    owner, job, auth = owner_with_job()
    hook = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/x", "events": ["application.created"]},
        headers=auth,
    ).json
    _other, _job2, other_auth = owner_with_job()
    assert (
        client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=other_auth).status_code
        == 404
    )
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=other_auth).status_code == 404
    seeker = factories.user(Role.SEEKER)
    seeker_auth = {"Authorization": "Bearer " + create_api_token(seeker, "x")}
    db.session.commit()
    assert client.get("/api/v1/webhooks", headers=seeker_auth).status_code == 403
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/webhooks", headers=auth).json == {"items": []}
    assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth).status_code == 404


def test_unknown_event_is_refused(dev_app, client):
    _owner, _job, auth = owner_with_job()
    response = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/", "events": ["job.deleted"]},
        headers=auth,
    )
    assert response.status_code == 422


def test_production_never_allows_private_addresses(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("YUNPIN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x")
    assert build_config(str(tmp_path))["WEBHOOKS_ALLOW_PRIVATE"] is False
    monkeypatch.setenv("YUNPIN_ENV", "development")
    assert build_config(str(tmp_path))["WEBHOOKS_ALLOW_PRIVATE"] is True
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE", "0")
    assert build_config(str(tmp_path))["WEBHOOKS_ALLOW_PRIVATE"] is False


def test_owner_page_adds_rotates_and_deletes(dev_app, client):
    from tests.web import as_user, post_form

    owner, _job, _auth = owner_with_job()
    as_user(client, owner)
    page = "/employers/mine/webhooks"
    added = post_form(
        client, page, {"url": "http://127.0.0.1:9/in", "events": ["application.created"]}
    )
    assert added.status_code == 201
    hook = db.session.scalar(db.select(Webhook))
    assert hook.secret in added.get_data(as_text=True)  # shown once
    assert hook.secret not in client.get(page).get_data(as_text=True)
    old = hook.secret
    rotated = post_form(client, f"{page}/{hook.id}/secret", {}, token_from=page)
    db.session.refresh(hook)
    assert hook.secret != old and hook.secret in rotated.get_data(as_text=True)
    assert post_form(client, f"{page}/{hook.id}/delete", {}, token_from=page).status_code == 303
    db.session.refresh(hook)
    assert hook.deleted_at is not None
    refused = post_form(client, page, {"url": "ftp://x", "events": ["application.created"]})
    assert refused.status_code == 422


def test_a_candidates_message_reaches_the_employers_receiver(dev_app, client, worker):
    from app.chat import service as chat

    owner, job, auth = owner_with_job()
    candidate = factories.user(Role.SEEKER)
    with Receiver([]) as receiver:
        hook = client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["conversation.message"]},
            headers=auth,
        ).json
        conversation, _made = chat.open_for_job(candidate, job)
        message = chat.send(conversation, candidate, "您好，请问还招人吗？")
        db.session.commit()
        worker()
    [(headers, body)] = receiver.requests
    assert headers["Yunpin-Event"] == "conversation.message"
    verify(hook["secret"], headers, body)
    data = json.loads(body)["data"]
    assert data == {
        "conversation_id": conversation.id,
        "message_id": message.id,
        "job_id": job.id,
        "candidate_id": candidate.id,
        "from": "candidate",
    }
    assert "请问" not in body.decode()  # ids only: the text stays behind the API


def test_a_picked_interview_time_reaches_the_receiver(dev_app, client, worker):
    owner, job, auth = owner_with_job()
    application = apply_to(job)
    with Receiver([]) as receiver:
        hook = client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["interview.scheduled"]},
            headers=auth,
        ).json
        start = (datetime.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        interview = interviews.propose(application, owner, [start], "Asia/Shanghai", 30)
        db.session.flush()
        interviews.pick(interview, application.candidate, interview.slots[0].id)
        db.session.commit()
        worker()
    [(headers, body)] = receiver.requests  # the proposal is not an event, the pick is
    assert headers["Yunpin-Event"] == "interview.scheduled"
    verify(hook["secret"], headers, body)
    data = json.loads(body)["data"]
    assert (data["interview_id"], data["application_id"], data["duration_minutes"]) == (
        interview.id,
        application.id,
        30,
    )


def test_an_ipv6_address_carrying_a_public_ipv4_address_is_public():
    # a DNS64 network answers 64:ff9b::8.8.8.8 for an IPv4-only host: hooks there still work
    assert service.public_address("64:ff9b::808:808")
    assert service.public_address("2002:808:808::1")
    assert not service.public_address("2001:0:4136:e378:8000:63bf:3fff:fdd2")  # Teredo: 192.0.2.45
