"""A stream already open stops when its caller loses access: a revoked token, a signed-out
session, a member removed from the company. The stream server (app.chat.stream) and the
in-thread stream of a web process both ask again before they send."""

from __future__ import annotations

import threading

import pytest
import requests
import sqlalchemy as sa

from app.accounts.service import create_api_token, revoke_all_tokens
from app.chat import events
from app.extensions import db
from app.models import EmployerMember, MemberRole, Role, User
from tests import factories
from tests.streams import running_stream
from tests.web import login, sign_out


@pytest.fixture
def stream(app, redis_server):
    """Base URL of the stream server."""
    with running_stream(app, redis_server) as port:
        yield f"http://127.0.0.1:{port}/api/v1/events"


class Reader:
    """An SSE client in a thread, keeping every line until the server closes."""

    def __init__(self, url: str, headers: dict) -> None:
        self.response = requests.get(url, headers=headers, stream=True, timeout=15)
        self.lines: list[str] = []
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.opened.wait(10)

    def _read(self) -> None:
        try:
            for raw in self.response.iter_lines(decode_unicode=True):
                self.lines.append(raw)
                if raw.startswith("retry:"):
                    self.opened.set()
        except requests.RequestException:
            pass  # closed by the test, or a stream that never ended: the assertions say which
        finally:
            self.opened.set()

    def text(self, wait: float) -> str:
        self.thread.join(wait)
        return "\n".join(self.lines)

    def close(self) -> None:
        self.response.close()


def conversation(api, world) -> int:
    return api("seeker").post("/conversations", json={"job_id": world.ids["java"]}).json["id"]


def bearer(world, who: str) -> dict:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


def test_a_live_stream_delivers_while_access_holds(api, world, stream):
    cid = conversation(api, world)
    reader = Reader(stream, bearer(world, "seeker"))
    try:
        api("owner").post(f"/conversations/{cid}/messages", json={"text": "明天来面试"})
        for _ in range(50):
            if "明天来面试" in reader.text(0.1):
                break
        assert "event: message" in reader.text(0) and "明天来面试" in reader.text(0)
    finally:
        reader.close()


def test_a_revoked_token_ends_its_stream_before_the_next_message(api, world, stream):
    cid = conversation(api, world)
    reader = Reader(stream, bearer(world, "seeker"))
    revoke_all_tokens(db.session.get(User, world.ids["seeker"]))
    db.session.commit()
    api("owner").post(f"/conversations/{cid}/messages", json={"text": "明天来面试"})
    received = reader.text(10)
    assert "event: end" in received and '"status": 401' in received
    assert "明天来面试" not in received
    assert not reader.thread.is_alive()  # the server closed the stream


def test_signing_out_ends_the_pages_stream(api, world, stream, client):
    """A page's stream carries its session cookie; signing out (in another tab) ends it."""
    cid = conversation(api, world)
    seeker = db.session.get(User, world.ids["seeker"])
    login(client, seeker.email, factories.PASSWORD)
    cookie = client.get_cookie("session", domain="yunpin.test")
    reader = Reader(stream, {"Cookie": f"session={cookie.value}"})
    sign_out(client)
    api("owner").post(f"/conversations/{cid}/messages", json={"text": "明天来面试"})
    received = reader.text(10)
    assert "event: end" in received and '"status": 401' in received
    assert "明天来面试" not in received


def test_a_member_removed_from_the_company_stops_hearing_its_conversations(api, world, stream):
    cid = conversation(api, world)
    recruiter = factories.user(Role.EMPLOYER)
    db.session.add(
        EmployerMember(
            employer_id=world.ids["employer"], user_id=recruiter.id, role=MemberRole.RECRUITER
        )
    )
    token = create_api_token(recruiter, "tests")
    db.session.commit()
    reader = Reader(stream, {"Authorization": f"Bearer {token}"})
    db.session.execute(sa.delete(EmployerMember).where(EmployerMember.user_id == recruiter.id))
    db.session.commit()
    api("seeker").post(f"/conversations/{cid}/messages", json={"text": "还招人吗"})
    received = reader.text(10)
    assert "event: end" in received and '"status": 403' in received
    assert "还招人吗" not in received


def test_the_web_process_stream_asks_again_too(api, world, app, monkeypatch):
    """The in-thread stream (GET /api/v1/events on the web port) with a token revoked
    after it opened: its next event is the end, not the message."""
    monkeypatch.setattr(events, "HOLD_S", 5)
    cid = conversation(api, world)
    headers = bearer(world, "seeker")
    response = app.test_client().get("/api/v1/events", headers=headers)
    chunks = iter(response.response)
    assert next(chunks).startswith(b"retry:")
    revoke_all_tokens(db.session.get(User, world.ids["seeker"]))
    db.session.commit()
    api("owner").post(f"/conversations/{cid}/messages", json={"text": "明天来面试"})
    rest = b"".join(chunks).decode()
    response.close()
    assert "event: end" in rest and "明天来面试" not in rest
