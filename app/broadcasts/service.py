"""Live broadcasts: scheduling, publishing credentials, the live Q&A, pinned jobs, the audience.

The media server packages a broadcast into HLS in ``BROADCAST_DIR/<storage key>/``
(:mod:`video.broadcast`); this module knows the URLs (the WHIP endpoint on the app, the
playlists under ``BROADCAST_PLAYBACK_URL``) and everything the database holds. Concurrent
viewers live in Redis (a sorted set of heartbeats per broadcast); the peak and who watched
(with their region) are written to the database by the heartbeat's POST.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import time
import urllib.parse
from datetime import UTC, datetime
from typing import Any

import nh3
import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app import audit
from app.broadcasts import storage
from app.clock import BEIJING
from app.database import insert_missing, update_if
from app.errors import DomainError
from app.models import (
    Application,
    Broadcast,
    BroadcastApplication,
    BroadcastPin,
    BroadcastQuestion,
    BroadcastReminder,
    BroadcastStatus,
    BroadcastViewer,
    BroadcastVote,
    Employer,
    EmployerMember,
    FairEmployer,
    FairJob,
    Job,
    JobFair,
    QuestionStatus,
    Region,
    Role,
    User,
    VerificationState,
    utcnow,
)
from app.queue import defer
from app.redis_store import get_redis
from video.broadcast import tokens

PUBLISHER_TOKEN_SECONDS = 24 * 3600
"""How long a publisher token works: a briefing's day, set up hours ahead."""

MAX_QUESTION = 300
MAX_ANSWER = 2000

VIEWER_TIMEOUT = 45
"""Seconds after its last heartbeat (every 15 s from the page) that a viewer stops counting
as watching: two heartbeats may be lost before a viewer drops out of the figure."""


def in_beijing(moment: datetime) -> datetime:
    """A stored (naive UTC) time as Beijing wall-clock time, naive."""
    return moment.replace(tzinfo=UTC).astimezone(BEIJING).replace(tzinfo=None)


class BroadcastError(DomainError):
    """A refused broadcast action (409 by default, 422 for bad input). FIELD names the form
    field a refused input came from, so the form shows the message beside it: a message
    shown only as "correct the fields marked below", with no field marked, names nothing."""

    def __init__(self, message: str, status: int | None = None, field: str | None = None):
        super().__init__(message, status)
        self.field = field


# -- scheduling -------------------------------------------------------------------------------


def create(
    session: Session,
    *,
    title: str,
    starts_at: datetime,
    region_code: str | None = None,
    host: User | None = None,
    fair: JobFair | None = None,
    description: str = "",
    documents: list[dict] | None = None,
) -> Broadcast:
    title = " ".join(title.split())
    if not title or len(title) > 120:
        raise BroadcastError(
            _l("A title of 1 to 120 characters is needed."), status=422, field="title"
        )
    if region_code and not re.fullmatch(r"[0-9]{2,12}", region_code):
        raise BroadcastError(
            _l("A region code is 2 to 12 digits."), status=422, field="region_code"
        )
    broadcast = Broadcast(
        title=title,
        starts_at=starts_at,
        region_code=region_code or None,
        host_id=host.id if host else None,
        fair_id=fair.id if fair else None,
        description=description,
        documents=documents or [],
        storage_key=secrets.token_urlsafe(12),
    )
    session.add(broadcast)
    session.flush()
    return broadcast


def _unverified_company(user: User) -> bool:
    """An employer account with no verified company behind it."""
    return user.role == Role.EMPLOYER and not (
        user.membership and user.membership.employer.verified
    )


def may_host(user: User) -> bool:
    """Who schedules and goes live: officials and administrators, and the members of a
    company whose documents officials approved (as only such a company's jobs are public,
    Job.is_public: a broadcast is watched by anyone, with its links and pinned jobs)."""
    return user.role in (Role.OFFICIAL, Role.ADMIN, Role.EMPLOYER) and not _unverified_company(user)


def ensure_may_host(user: User) -> None:
    if not may_host(user):
        raise BroadcastError(
            _l(
                "Only verified companies host livestreams. Submit your company documents for review first."
            ),
            status=403,
        )


def listed() -> sa.ColumnElement[bool]:
    """Broadcasts anyone may find and watch: all but those hosted by an employer account
    with no verified company (its review was revoked, or it never passed)."""
    verified_members = (
        sa.select(EmployerMember.user_id)
        .join(Employer, Employer.id == EmployerMember.employer_id)
        .where(Employer.verification_state == VerificationState.APPROVED)
    )
    unverified = sa.select(User.id).where(
        User.role == Role.EMPLOYER, User.id.not_in(verified_members)
    )
    return sa.or_(Broadcast.host_id.is_(None), Broadcast.host_id.not_in(unverified))


def is_listed(session: Session, broadcast: Broadcast) -> bool:
    """:func:`listed` for one broadcast."""
    host = session.get(User, broadcast.host_id) if broadcast.host_id else None
    return host is None or not _unverified_company(host)


def fairs_for_host(session: Session, user: User) -> list[JobFair]:
    """Fairs a user may stream: an official's (in their region), a verified employer's
    (registered)."""
    query = sa.select(JobFair).order_by(JobFair.starts_on.desc()).limit(100)
    if user.role == Role.EMPLOYER:
        if not may_host(user):
            return []
        query = query.join(FairEmployer, FairEmployer.fair_id == JobFair.id).where(
            FairEmployer.employer_id == user.membership.employer_id
        )
    elif user.role == Role.OFFICIAL:
        query = query.where(JobFair.region_code.startswith(user.region_code or "", autoescape=True))
    return list(session.scalars(query))


def schedule(session: Session, host: User, form) -> Broadcast:
    """A broadcast from the form: an official's in their region, a verified employer's for a
    fair, in the fair's region (the employer's form has no region field).

    An official who leaves the region empty means the fair's region when they chose a fair,
    else their own: they may not broadcast beyond it, so "everywhere" cannot be meant. An
    administrator's empty region is a national broadcast. Each refusal names its field."""
    from app.interviews.service import to_utc

    ensure_may_host(host)
    fair = None
    if form.fair_id.data:
        fair = next((f for f in fairs_for_host(session, host) if f.id == form.fair_id.data), None)
        if fair is None:
            raise BroadcastError(_l("Choose one of your fairs."), status=422, field="fair_id")
    if host.role == Role.EMPLOYER:
        if fair is None:
            raise BroadcastError(
                _l("Companies broadcast as part of a job fair: choose one."),
                status=422,
                field="fair_id",
            )
        region = fair.region_code
    else:
        region = form.region_code.data or (fair.region_code if fair else None)
    if host.role == Role.OFFICIAL:
        region = region or host.region_code
        if not (region or "").startswith(host.region_code or "-"):
            raise BroadcastError(
                _l("Choose a region inside your own."), status=422, field="region_code"
            )
    try:
        starts_at = to_utc(form.starts_at.data, "Asia/Shanghai")
    except DomainError as error:  # a wall-clock time Beijing skipped (summer time, 1986-91)
        raise BroadcastError(error.message, status=422, field="starts_at") from error
    ensure_future(starts_at)
    return create(
        session,
        title=form.title.data,
        starts_at=starts_at,
        region_code=region,
        host=host,
        fair=fair,
        description=form.description.data or "",
        documents=parse_documents(form.documents.data),
    )


def parse_documents(text: str) -> list[dict]:
    """Lines of "title | https://…" (or a bare URL) into the linked policy documents."""
    documents = []
    for line in (text or "").splitlines():
        title, _, url = line.rpartition("|") if "|" in line else ("", "", line)
        url = url.strip()
        if not url:
            continue
        if not re.match(r"^https?://\S+$", url) or len(url) > 500:
            raise BroadcastError(
                _l("Documents must be links starting with http(s)://."),
                status=422,
                field="documents",
            )
        documents.append({"title": title.strip()[:120] or url, "url": url})
    return documents[:20]


def ensure_future(starts_at: datetime) -> None:
    """A broadcast is scheduled or moved only to a time still ahead (STARTS_AT naive UTC):
    one set in the past would be listed as upcoming and its reminders promised for a start
    that already went by."""
    if starts_at <= utcnow():
        raise BroadcastError(
            _l("Choose a start time in the future."), status=422, field="starts_at"
        )


def cancel(session: Session, broadcast: Broadcast, actor: User) -> None:
    """Call off a scheduled broadcast. Decided in one conditional UPDATE: a publisher
    connecting at the same moment either went live first (and the cancel is refused) or
    finds it cancelled (:func:`went_live`). Those who asked for a reminder are told after
    the commit, by the worker (a national briefing may have thousands)."""
    if not update_if(
        session,
        broadcast,
        Broadcast.status == BroadcastStatus.SCHEDULED,
        status=BroadcastStatus.CANCELLED,
    ):
        session.refresh(broadcast)
        raise BroadcastError(_not_scheduled[broadcast.status])
    audit.record("broadcast.cancel", broadcast, actor=actor, title=broadcast.title)
    defer("app.broadcasts.tasks.tell_cancelled", broadcast.id)


def reschedule(session: Session, broadcast: Broadcast, actor: User, starts_at: datetime) -> None:
    """Move a scheduled broadcast to STARTS_AT (naive UTC, in the future); those who asked
    for a reminder are told the new time. Reminders go out when the publisher connects, not
    at a time, so no job has to move."""
    ensure_future(starts_at)
    before = broadcast.starts_at
    if starts_at == before:
        raise BroadcastError(_l("That is already its start time."), status=422)
    if not update_if(
        session, broadcast, Broadcast.status == BroadcastStatus.SCHEDULED, starts_at=starts_at
    ):
        session.refresh(broadcast)
        raise BroadcastError(_not_scheduled[broadcast.status])
    audit.record(
        "broadcast.reschedule",
        broadcast,
        actor=actor,
        starts_at=starts_at.isoformat(),
        previous=before.isoformat(),
    )
    defer("app.broadcasts.tasks.tell_rescheduled", broadcast.id, starts_at.isoformat())


_not_scheduled = {
    BroadcastStatus.LIVE: _l("This broadcast is live: it can no longer be cancelled or moved."),
    BroadcastStatus.ENDED: _l(
        "This broadcast has ended: only a scheduled one can be cancelled or moved."
    ),
    BroadcastStatus.CANCELLED: _l("This broadcast was cancelled."),
}


def for_region(session: Session, user: User | None, limit: int = 50) -> list[Broadcast]:
    """Live and upcoming broadcasts for the user's region (and national ones), live first."""
    query = sa.select(Broadcast).where(
        Broadcast.status.in_([BroadcastStatus.SCHEDULED, BroadcastStatus.LIVE]), listed()
    )
    region = user.region_code if user is not None else None
    if region:
        # A broadcast for 4201 is for everyone in 420102…: its code is a prefix of theirs.
        query = query.where(
            sa.or_(
                Broadcast.region_code.is_(None),
                sa.literal(region).startswith(Broadcast.region_code),
            )
        )
    live_first = sa.case((Broadcast.status == BroadcastStatus.LIVE, 0), else_=1)
    return list(session.scalars(query.order_by(live_first, Broadcast.starts_at).limit(limit)))


def recent_replays(session: Session, limit: int = 20) -> list[Broadcast]:
    query = sa.select(Broadcast).where(
        Broadcast.status == BroadcastStatus.ENDED, Broadcast.replay_expired_at.is_(None), listed()
    )
    return list(session.scalars(query.order_by(Broadcast.ended_at.desc()).limit(limit)))


def can_host(user: User, broadcast: Broadcast) -> bool:
    """The host (while it may host: not a company whose review was revoked), and officials
    whose region covers the broadcast's (admins everywhere)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN or (broadcast.host_id == user.id and may_host(user)):
        return True
    if user.role != Role.OFFICIAL or not user.region_code:
        return False
    return (broadcast.region_code or "").startswith(user.region_code)


# -- publishing --------------------------------------------------------------------------------


def publisher_token(app: Flask, broadcast: Broadcast) -> str:
    return tokens.issue(
        app.config["SECRET_KEY"], broadcast.id, broadcast.storage_key, PUBLISHER_TOKEN_SECONDS
    )


def whip_url(broadcast: Broadcast) -> str:
    from app.notifications.mail import public_url

    return public_url(f"/broadcasts/{broadcast.id}/whip")


def playback_base(app: Flask, request_host: str | None = None) -> str:
    """Where players fetch playlists and segments: BROADCAST_PLAYBACK_URL (a CDN) when set,
    else the embedded static server on BROADCAST_STORAGE_PORT at the host the browser reached
    the app by (REQUEST_HOST, the request's Host header): a phone on the same network watching
    an instance served on 0.0.0.0 then fetches from that machine, not from its own 127.0.0.1.
    Without a request (``yunpin broadcast create``), 127.0.0.1."""
    configured = app.config["BROADCAST_PLAYBACK_URL"]
    if configured:
        return configured.rstrip("/")
    return f"http://{_browser_host(request_host)}:{app.config['BROADCAST_STORAGE_PORT']}/hls"


LOOPBACK = "127.0.0.1"
HOST_NAME = re.compile(r"[a-z0-9.-]{1,253}")
"""A DNS name as urlsplit gives it (lower case). Nothing else passes: the name goes into a
URL and the page's Content-Security-Policy, where a space or ";" would add a directive."""


def _browser_host(request_host: str | None) -> str:
    """The name or address of REQUEST_HOST ("192.168.1.5:5000", "[::1]:5000"), ready for a
    URL; 127.0.0.1 when there is none or it is not a plain name or address. A client may
    send any Host header, but what it sends only comes back in its own page (the player's
    URL and the CSP allowing it), which is why no list of trusted hosts is needed here."""
    try:
        name = urllib.parse.urlsplit(f"//{request_host}").hostname if request_host else None
    except ValueError:  # "[oops]:80": brackets around no IPv6 address
        name = None
    if not name:
        return LOOPBACK
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name if HOST_NAME.fullmatch(name) else LOOPBACK
    if address.version == 4:
        return str(address)
    return LOOPBACK if address.scope_id else f"[{address}]"  # "%eth0" means nothing elsewhere


def playback_url(
    app: Flask, broadcast: Broadcast, playlist: str = "live.m3u8", request_host: str | None = None
) -> str:
    return f"{playback_base(app, request_host)}/{broadcast.storage_key}/{playlist}"


def storage_server_commands(app: Flask, host: str = LOOPBACK) -> list[list[str]]:
    """The arguments after ``yunpin`` of each static server of the broadcast folder that
    `yunpin run` supervises (BROADCAST_STORAGE_PROCESSES, default one per core; 0 when a
    CDN's origin or nginx serves the folder), listening on HOST, the web server's: players
    fetch from the host they reached the pages by (:func:`playback_base`)."""
    count = app.config.get("BROADCAST_STORAGE_PROCESSES")
    count = (os.cpu_count() or 1) if count is None else count
    port = str(app.config["BROADCAST_STORAGE_PORT"])
    return [["broadcast", "serve-storage", "--host", host, "--port", port] for _ in range(count)]


def has_replay(app: Flask, broadcast: Broadcast) -> bool:
    if broadcast.replay_expired_at is not None:
        return False
    return (storage.folder_of(app, broadcast) / "replay.m3u8").exists()


def shown_status(app: Flask, broadcast: Broadcast) -> BroadcastStatus:
    """The status to show: a live broadcast whose media ended or stopped (the publisher
    vanished without the WHIP DELETE) shows as ended at once; the row follows within a
    minute (:func:`app.broadcasts.storage.end_stalled`), or with the next publisher."""
    if broadcast.status != BroadcastStatus.LIVE:
        return broadcast.status
    if storage.media_state(app, broadcast) != "live":
        return BroadcastStatus.ENDED
    return broadcast.status


def went_live(session: Session, broadcast: Broadcast) -> bool:
    """The publisher connected (again). True the first time (reminders go out then); a
    broadcast cancelled meanwhile stays cancelled (False: nobody is reminded)."""
    first = broadcast.started_at is None
    now = utcnow()
    changed = update_if(
        session,
        broadcast,
        Broadcast.status != BroadcastStatus.CANCELLED,
        status=BroadcastStatus.LIVE,
        started_at=broadcast.started_at or now,
        connected_at=now,
        ended_at=None,
        replay_expired_at=None,  # a new session writes a new replay
    )
    return changed and first


def ended(session: Session, broadcast: Broadcast) -> bool:
    return update_if(
        session,
        broadcast,
        Broadcast.status == BroadcastStatus.LIVE,
        status=BroadcastStatus.ENDED,
        ended_at=utcnow(),
    )


def send_reminders(broadcast: Broadcast) -> None:
    """After the commit that marks it live: tell everyone who asked (in the app and by mail)."""
    defer("app.broadcasts.tasks.remind", broadcast.id)


def remind(session: Session, broadcast: Broadcast, user: User, status: BroadcastStatus) -> bool:
    """USER asks to be told when the broadcast starts. STATUS is what the viewer is shown
    (:func:`shown_status`), as for :func:`ask`: reminders go out once, when the publisher
    first connects, so only a broadcast still to come takes one; a live one is watched now,
    and one whose media ended is over even while its row says live."""
    if status != BroadcastStatus.SCHEDULED:
        raise BroadcastError(_no_reminder[status])
    rows = [{"broadcast_id": broadcast.id, "user_id": user.id}]
    return insert_missing(session, BroadcastReminder, rows) == 1


_no_reminder = {
    BroadcastStatus.LIVE: _l("This broadcast is live now: watch it here."),
    BroadcastStatus.ENDED: _l("This broadcast has ended: watch the replay."),
    BroadcastStatus.CANCELLED: _l("This broadcast was cancelled."),
}


def wants_reminder(session: Session, broadcast: Broadcast, user: User) -> bool:
    return session.get(BroadcastReminder, (broadcast.id, user.id)) is not None


# -- Q&A -----------------------------------------------------------------------------------------


def clean_text(text: str, limit: int) -> str:
    """Plain text: tags removed, control characters and runs of blanks collapsed."""
    text = nh3.clean(text or "", tags=set())
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    if not text:
        raise BroadcastError(_l("Write something first."), status=422)
    if len(text) > limit:
        raise BroadcastError(_l("At most %(n)s characters.", n=limit), status=422)
    return text


def ask(
    session: Session,
    broadcast: Broadcast,
    user: User,
    body: str,
    status: BroadcastStatus | None = None,
) -> BroadcastQuestion:
    """A viewer's question, pending moderation. STATUS is what the viewer is shown
    (:func:`shown_status`; the row's own status by default): a broadcast whose media ended
    is ended for its viewers at once, while its row says live for up to a minute more
    (:func:`app.broadcasts.storage.end_stalled`), and its questions close with it."""
    status = status or broadcast.status
    if status == BroadcastStatus.ENDED:
        raise BroadcastError(_l("Questions are closed: the broadcast has ended."))
    if status == BroadcastStatus.CANCELLED:
        raise BroadcastError(_l("This broadcast was cancelled."))
    question = BroadcastQuestion(
        broadcast_id=broadcast.id, author_id=user.id, body=clean_text(body, MAX_QUESTION)
    )
    session.add(question)
    session.flush()
    return question


def vote(session: Session, question: BroadcastQuestion, user: User) -> bool:
    """Upvote once; the count is recounted from the votes, so races cannot drift it."""
    if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
        raise BroadcastError(_l("Only approved questions take votes."))
    added = insert_missing(
        session, BroadcastVote, [{"question_id": question.id, "user_id": user.id}]
    )
    if added:
        count = (
            sa.select(sa.func.count())
            .where(BroadcastVote.question_id == question.id)
            .scalar_subquery()
        )
        update_if(session, question, votes=count)
        session.refresh(question)
    return bool(added)


MODERATION = ("approve", "reject", "answer", "on_air", "pin", "unpin")


def moderate(session: Session, question: BroadcastQuestion, action: str, answer: str = "") -> None:
    """approve / reject a pending question; answer it in text or mark it answered on air;
    pin or unpin it (one pinned question per broadcast: pinning one unpins the others)."""
    if action not in MODERATION:
        raise BroadcastError(_l("Unknown action."), status=422)
    visible = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)
    if action == "approve":
        update_if(
            session,
            question,
            BroadcastQuestion.status == QuestionStatus.PENDING,
            status=QuestionStatus.APPROVED,
        )
    elif action == "reject":
        update_if(session, question, status=QuestionStatus.REJECTED, pinned=False)
    elif action in ("answer", "on_air"):
        text = clean_text(answer, MAX_ANSWER) if action == "answer" else ""
        update_if(
            session,
            question,
            status=QuestionStatus.ANSWERED,
            answer=text,
            answered_on_air=action == "on_air",
            answered_at=utcnow(),
        )
    elif action == "pin":
        if question.status not in visible:
            raise BroadcastError(_l("Approve the question before pinning it."))
        session.execute(
            sa.update(BroadcastQuestion)
            .where(BroadcastQuestion.broadcast_id == question.broadcast_id)
            .values(pinned=False)
        )
        update_if(session, question, pinned=True)
    else:
        update_if(session, question, pinned=False)
    session.refresh(question)


def questions(
    session: Session, broadcast: Broadcast, *, moderator: bool
) -> list[BroadcastQuestion]:
    """What a viewer sees (approved and answered: pinned, then most votes, then oldest); a
    moderator also sees the pending ones (first) and not the rejected."""
    shown = [QuestionStatus.APPROVED, QuestionStatus.ANSWERED]
    if moderator:
        shown.append(QuestionStatus.PENDING)
    pending_first = sa.case((BroadcastQuestion.status == QuestionStatus.PENDING, 0), else_=1)
    query = (
        sa.select(BroadcastQuestion)
        .where(BroadcastQuestion.broadcast_id == broadcast.id, BroadcastQuestion.status.in_(shown))
        .order_by(
            pending_first,
            BroadcastQuestion.pinned.desc(),
            BroadcastQuestion.votes.desc(),
            BroadcastQuestion.id,
        )
        .limit(500)
    )
    return list(session.scalars(query))


def question_json(question: BroadcastQuestion) -> dict[str, Any]:
    return {
        "id": question.id,
        "body": question.body,
        "status": question.status.value,
        "answer": question.answer,
        "answered_on_air": question.answered_on_air,
        "pinned": question.pinned,
        "votes": question.votes,
    }


# -- fair livestreams: pinned jobs, applications from the stream -------------------------------


def pinnable_jobs(session: Session, broadcast: Broadcast) -> list[Job]:
    """The fair's public jobs (a broadcast without a fair pins none)."""
    if broadcast.fair_id is None:
        return []
    query = (
        sa.select(Job)
        .join(FairJob, FairJob.job_id == Job.id)
        .where(FairJob.fair_id == broadcast.fair_id, Job.is_public)
        .order_by(Job.id)
        .limit(200)
    )
    return list(session.scalars(query))


def pin_job(session: Session, broadcast: Broadcast, job_id: int, pinned: bool) -> None:
    if pinned:
        if job_id not in {job.id for job in pinnable_jobs(session, broadcast)}:
            raise BroadcastError(_l("Only the fair's published jobs can be pinned."), status=422)
        insert_missing(session, BroadcastPin, [{"broadcast_id": broadcast.id, "job_id": job_id}])
    else:
        session.execute(
            sa.delete(BroadcastPin).where(
                BroadcastPin.broadcast_id == broadcast.id, BroadcastPin.job_id == job_id
            )
        )


def pinned_jobs(session: Session, broadcast: Broadcast) -> list[Job]:
    query = (
        sa.select(Job)
        .join(BroadcastPin, BroadcastPin.job_id == Job.id)
        .where(BroadcastPin.broadcast_id == broadcast.id, Job.is_public)
        .order_by(BroadcastPin.pinned_at.desc())
    )
    return list(session.scalars(query))


def apply_from_stream(
    session: Session, broadcast: Broadcast, candidate: User, job: Job
) -> tuple[Application, bool]:
    """One-click apply to a pinned job: a fair application (the fair's statistics count it)
    linked to the broadcast (the broadcast's figures count it)."""
    from app.applications import service as applications
    from app.fairs import service as fairs

    if job.id not in {j.id for j in pinned_jobs(session, broadcast)}:
        raise BroadcastError(_l("This job is not pinned in the broadcast."), status=404)
    fair = session.get(JobFair, broadcast.fair_id) if broadcast.fair_id else None
    if fair is not None:
        application, created = fairs.apply(fair, candidate, job)
    else:
        application, created = applications.apply(candidate, job)
    if created:
        insert_missing(
            session,
            BroadcastApplication,
            [{"application_id": application.id, "broadcast_id": broadcast.id}],
        )
    return application, created


# -- audience ------------------------------------------------------------------------------------


def _viewers_key(broadcast_id: int) -> str:
    return f"yunpin:broadcast:{broadcast_id}:viewers"


def heartbeat(
    app: Flask, session: Session, broadcast: Broadcast, viewer_key: str, region_code: str | None
) -> int:
    """A viewer is watching: count them now, keep the peak, remember who watched from where.
    Returns the number watching."""
    redis = get_redis(app)
    key, now = _viewers_key(broadcast.id), time.time()
    pipe = redis.pipeline()
    pipe.zadd(key, {viewer_key: now})
    pipe.zremrangebyscore(key, 0, now - VIEWER_TIMEOUT)
    pipe.zcard(key)
    pipe.expire(key, 24 * 3600)
    watching = pipe.execute()[2]
    update_if(session, broadcast, Broadcast.peak_viewers < watching, peak_viewers=watching)
    insert_missing(
        session,
        BroadcastViewer,
        [{"broadcast_id": broadcast.id, "viewer_key": viewer_key, "region_code": region_code}],
    )
    return watching


def watching_now(app: Flask, broadcast: Broadcast) -> int:
    redis = get_redis(app)
    return redis.zcount(_viewers_key(broadcast.id), time.time() - VIEWER_TIMEOUT, "+inf")


def figures(app: Flask, session: Session, broadcast: Broadcast) -> dict[str, Any]:
    """The officials' figures of one broadcast, with how many watch now."""
    return {"watching": watching_now(app, broadcast)} | figures_of(session, [broadcast])[
        broadcast.id
    ]


def figures_of(session: Session, broadcasts: list[Broadcast]) -> dict[int, dict[str, Any]]:
    """Figures of several broadcasts in five queries (the officials' list): peak concurrent
    viewers, viewers and viewers by region, questions asked and answered, applications from
    the stream."""
    ids = [b.id for b in broadcasts]
    regions: dict[int, list] = {i: [] for i in ids}
    rows = session.execute(
        sa.select(BroadcastViewer.broadcast_id, BroadcastViewer.region_code, sa.func.count())
        .where(BroadcastViewer.broadcast_id.in_(ids))
        .group_by(BroadcastViewer.broadcast_id, BroadcastViewer.region_code)
    ).all()
    names = region_names(session, {code for _b, code, _n in rows if code})
    for broadcast_id, code, n in rows:
        regions[broadcast_id].append((*names.get(code, (None, None)), n))
    questions = sa.select(
        BroadcastQuestion.broadcast_id,
        sa.func.count(),
        sa.func.sum(sa.case((BroadcastQuestion.status == QuestionStatus.ANSWERED, 1), else_=0)),
    )
    asked = {
        b: (n, int(answered or 0))
        for b, n, answered in session.execute(
            questions.where(BroadcastQuestion.broadcast_id.in_(ids)).group_by(
                BroadcastQuestion.broadcast_id
            )
        )
    }
    applications = dict(
        session.execute(
            sa.select(BroadcastApplication.broadcast_id, sa.func.count())
            .where(BroadcastApplication.broadcast_id.in_(ids))
            .group_by(BroadcastApplication.broadcast_id)
        ).all()
    )
    out = {}
    for broadcast in broadcasts:
        by_region = _merge_regions(regions[broadcast.id])
        out[broadcast.id] = {
            "peak_viewers": broadcast.peak_viewers,
            "viewers": sum(r["viewers"] for r in by_region),
            "by_region": by_region,
            "questions_asked": asked.get(broadcast.id, (0, 0))[0],
            "questions_answered": asked.get(broadcast.id, (0, 0))[1],
            "applications": applications.get(broadcast.id, 0),
        }
    return out


def region_names(session: Session, codes: set[str]) -> dict[str, tuple[str, str]]:
    """Each code's nearest region this instance knows (itself or an ancestor), as (code,
    name): a viewer's village that was never loaded still counts in its county."""
    from app.dashboards.scope import CODE_LENGTHS

    prefixes = {code[:n] for code in codes for n in CODE_LENGTHS if n <= len(code)}
    known = dict(
        session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(prefixes))).all()
    )
    out = {}
    for code in codes:
        for n in sorted((n for n in CODE_LENGTHS if n <= len(code)), reverse=True):
            if code[:n] in known:
                out[code] = (code[:n], known[code[:n]])
                break
    return out


def _merge_regions(rows: list[tuple]) -> list[dict[str, Any]]:
    """(code, name, viewers) rows into one entry per region, most viewers first; viewers of
    no known region (anonymous, or a code this instance lacks) are one entry with None."""
    merged: dict[str | None, dict[str, Any]] = {}
    for code, name, n in rows:
        entry = merged.setdefault(code, {"region_code": code, "region": name, "viewers": 0})
        entry["viewers"] += n
    return sorted(merged.values(), key=lambda r: (r["region_code"] is None, -r["viewers"]))
