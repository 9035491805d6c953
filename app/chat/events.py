"""Real-time events of conversations: published to Redis once their transaction commits,
formatted as Server-Sent Events for whoever is a party.

One channel carries every event with the ids of both sides; each stream process
(app.chat.stream, or a web process's in-thread stream below) keeps its own clients and
picks the events addressed to them. So a message POSTed to any web process reaches a
stream held by any other process, and no subscription changes as clients come and go.

Events: `message` (the message's JSON, SSE `id:` = message id, so `Last-Event-ID` resumes),
`read` (a receipt: conversation, side, up_to) and `end` (`{"status": 401|403}`: the caller
may no longer read, and the stream closes; a client should not reconnect).

A stream authenticates its caller when it opens, and asks again (`identify`) before every
event it sends, and at a keep-alive once the last answer is RECHECK_S old: signing out,
"sign out other devices", a revoked token or leaving the company ends a stream already open
before its next event, and an idle one within about a minute, whatever path took the
access away. (Events are people's messages: a handful a minute per stream.)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.redis_store import get_redis

PENDING_KEY = "yunpin.chat.events"
DIGESTS_KEY = "yunpin.chat.digests"
KEEP_ALIVE_S = 15
"""A comment line this often keeps proxies from closing an idle stream."""
BACKLOG_LIMIT = 200
"""At most this many missed messages are replayed when a stream (re)connects."""
RECHECK_S = 60
"""How stale an idle stream's answer to "may the caller still read?" may grow."""
AUTH_HEADERS = {"authorization", "cookie", "accept-language"}
"""The request headers that say who the caller is (kept by a stream to ask again)."""


def channel(app: Flask) -> str:
    return app.config.get("CHAT_CHANNEL", "yunpin:chat:events")


def publish(conversation, name: str, data: dict) -> None:
    """Send event NAME with DATA to both sides of CONVERSATION after the commit."""
    envelope = {
        "candidate": conversation.candidate_id,
        "employer": conversation.employer_id,
        "event": name,
        "data": data,
    }
    db.session.info.setdefault(PENDING_KEY, []).append(envelope)


def digest_later(conversation_id: int, side: str, delay: timedelta) -> None:
    """Mail the other side of CONVERSATION_ID after DELAY if what SIDE wrote is still unread
    then. One digest waits per conversation and side at a time (a Redis key that lives as
    long as the delay): a lively conversation queues one job, not one per message."""
    db.session.info.setdefault(DIGESTS_KEY, []).append((conversation_id, side, delay))


def _after_commit(session: Session) -> None:
    envelopes = session.info.pop(PENDING_KEY, [])
    digests = session.info.pop(DIGESTS_KEY, [])
    if not envelopes and not digests:
        return
    app = current_app._get_current_object()
    redis = get_redis(app)
    for envelope in envelopes:
        redis.publish(channel(app), json.dumps(envelope, ensure_ascii=False))
    if digests:
        from app.queue import get_queue

        queue = get_queue(app)
        for conversation_id, side, delay in set(digests):
            key = f"yunpin:chat:digest:{conversation_id}:{side}"
            if redis.set(key, 1, nx=True, ex=int(delay.total_seconds())):
                queue.enqueue_in(delay, "app.chat.tasks.digest", conversation_id, side)


def _after_rollback(session: Session, _previous) -> None:
    if not session.in_transaction():
        session.info.pop(PENDING_KEY, None)
        session.info.pop(DIGESTS_KEY, None)


def init_app(app: Flask) -> None:
    with app.app_context():
        session_class = db.session.session_factory.class_
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_soft_rollback", _after_rollback)


# Addressing and formatting -------------------------------------------------------------


class Audience:
    """Who a stream is for: a user, and for an employer's member the company."""

    def __init__(self, user_id: int, employer_id: int | None) -> None:
        self.user_id = user_id
        self.employer_id = employer_id

    def wants(self, envelope: dict) -> bool:
        if self.employer_id is not None:
            return envelope.get("employer") == self.employer_id
        return envelope.get("candidate") == self.user_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Audience) and (self.user_id, self.employer_id) == (
            other.user_id,
            other.employer_id,
        )


def identify(app: Flask, headers: dict, query_string: str = "") -> Audience | int:
    """The audience of a caller with these request HEADERS (a bearer token, or a page's
    session cookie), or the HTTP status refusing it (401, 403). It reads in a request
    context of its own, so a stream holding the headers can ask again later."""
    from flask_login import current_user

    from app.api.auth import bearer, live_token
    from app.models import Role

    with app.test_request_context("/api/v1/events", headers=headers, query_string=query_string):
        try:
            if bearer() is not None:
                # Looked up, not stamped: a thousand streams connecting at once must not
                # queue a thousand writes for SQLite's one lock (the API calls stamp it).
                record = live_token()
                user = record.user if record is not None else None
            elif current_user.is_authenticated:
                user = current_user._get_current_object()
            else:
                user = None
            if user is None:
                return 401
            if user.role not in (Role.SEEKER, Role.EMPLOYER):
                return 403
            return audience_of(user)
        finally:
            db.session.remove()


def refusal(app: Flask, headers: dict, audience: Audience) -> int | None:
    """The status that now refuses a stream opened for AUDIENCE with HEADERS (None: it may
    still read): signed out, token revoked, or no longer of the company it was opened for."""
    found = identify(app, headers)
    if isinstance(found, int):
        return found
    return None if found == audience else 403


def ended(status: int) -> str:
    """The last event of a stream whose caller may no longer read."""
    return sse("end", {"status": status})


def audience_of(user) -> Audience:
    from app.models import Role

    employer_id = None
    if user.role == Role.EMPLOYER and user.membership is not None:
        employer_id = user.membership.employer_id
    return Audience(user.id, employer_id)


def sse(name: str, data: dict, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def format_envelope(envelope: dict) -> str:
    data = envelope["data"]
    return sse(envelope["event"], data, data.get("id") if envelope["event"] == "message" else None)


def backlog(user, after: int) -> list[str]:
    """The messages to USER's conversations after message id AFTER, as SSE lines."""
    from app.chat.service import message_json, mine
    from app.models import Conversation, Message

    rows = db.session.scalars(
        select(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(mine(user), Message.id > after)
        .order_by(Message.id)
        .limit(BACKLOG_LIMIT)
    ).all()
    return [sse("message", message_json(m), m.id) for m in rows]


def resume_point(args, headers) -> int | None:
    """Where a reconnecting stream resumes: `Last-Event-ID` (what EventSource sends), else
    `?after=`; None (nothing replayed, only what happens from now) when neither is a
    message id."""
    for value in (headers.get("Last-Event-ID"), args.get("after")):
        if value and value.isdecimal() and len(value) < 11:
            return int(value)
    return None


# The in-thread stream of a web process -----------------------------------------------------

_threads = threading.BoundedSemaphore(2)
"""Streams a gunicorn process holds itself: a few, so a plain client of the web port is
served while the threads stay free for pages; the stream processes hold the many."""

HOLD_S = 55
"""An in-thread stream ends after this long; the client reconnects with Last-Event-ID."""


def try_hold() -> bool:
    """Take one of the process's in-thread stream slots; False when all are taken."""
    return _threads.acquire(blocking=False)


def let_go() -> None:
    _threads.release()


def subscribe(app: Flask):
    """A subscription to the channel, opened before the backlog is read so that nothing
    committed in between is missed (a message in both is sent once)."""
    pubsub = get_redis(app).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel(app))
    return pubsub


class ThreadStream:
    """The stream of one client inside a web thread: replay, then live events, for HOLD_S.

    The WSGI server calls `close()` when the client leaves or the stream ends, even if it
    never iterated (a generator's `finally` would not run then): the subscription and the
    thread's slot are given back exactly once."""

    def __init__(
        self, app: Flask, headers: dict, audience: Audience, pubsub, replay: list[str]
    ) -> None:
        self.app = app
        self.headers = headers
        self.audience = audience
        self.pubsub = pubsub
        self.replay = replay
        self.closed = False
        self.checked = time.monotonic()

    def refused(self, idle: bool) -> int | None:
        """The status refusing the caller now (None: still allowed); an IDLE stream (about
        to send a keep-alive) asks only once the last answer is RECHECK_S old."""
        if idle and time.monotonic() - self.checked < RECHECK_S:
            return None
        self.checked = time.monotonic()
        return refusal(self.app, self.headers, self.audience)

    def __iter__(self) -> Iterator[str]:
        yield "retry: 1000\n\n"
        yield from self.replay
        sent = max((int(line.split("\n", 1)[0][4:]) for line in self.replay), default=0)
        ends = time.monotonic() + HOLD_S
        while time.monotonic() < ends:
            item = self.pubsub.get_message(timeout=min(KEEP_ALIVE_S, ends - time.monotonic()))
            if item is not None:
                envelope = json.loads(item["data"])
                if not self.audience.wants(envelope):
                    continue
                if envelope["event"] == "message" and envelope["data"]["id"] <= sent:
                    continue  # already replayed
            status = self.refused(idle=item is None)
            if status is not None:
                yield ended(status)
                return
            yield format_envelope(envelope) if item is not None else ": keep-alive\n\n"

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.pubsub.close()
            let_go()
