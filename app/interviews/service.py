"""Interview rules, used by the pages (and any API): propose, pick, reschedule, cancel,
complete; the room each scheduled interview gets; reminders; the .ics invitation; scorecards.

Times are stored as naive UTC. The employer proposes slots as wall-clock times in a named
zone; each viewer sees them in their own zone (flask_babel, User.timezone).

Reminders are enqueued with RQ's scheduler at pick time and carry the start time they were
made for: the task re-reads the interview and does nothing if it is no longer scheduled at
that time, so a cancel or reschedule never has to find and delete jobs, and a reminder
enqueued by a request that then rolled back is harmless.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import icalendar
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from sqlalchemy import select

from app import audit
from app.access import works_for
from app.applications.service import advance_to_interview
from app.database import lock
from app.errors import DomainError
from app.extensions import db
from app.interviews import lobby, revocation  # noqa: F401 (revocation: its ORM hook)
from app.jobs import closing  # a module: closing imports this one too
from app.media.service import MAX_PARTICIPANTS
from app.models import (
    Application,
    Interview,
    InterviewSlot,
    InterviewStatus,
    Room,
    RoomKind,
    Scorecard,
    User,
    utcnow,
)
from app.notifications.service import notify
from app.queue import get_queue
from app.redis_store import get_redis
from app.webhooks import service as webhooks
from video import rooms as video_rooms

MAX_SLOTS = 5
DURATIONS = (15, 30, 45, 60, 90, 120)
REMINDERS = {"day": timedelta(hours=24), "soon": timedelta(minutes=15)}
"""Reminder kinds and how long before the start each is sent."""
HORIZON = timedelta(days=366)
"""How far ahead a slot may be (later ones are typos, and near year 9999 times overflow)."""
ROOM_GRACE = timedelta(hours=2)
"""The room stays open this long after the planned end (interviews overrun)."""
ACCESS_LEASE_SECONDS = 120
"""How long a room token works after the app last saw, in the database, that its holder
belongs in the room (room page, lobby poll every few seconds; see :func:`grant_access`):
long enough for a page whose timers a background tab slows, short enough that someone who
stops belonging there in a way that revokes nothing at once is out within two minutes
(removal from the employer and account erasure revoke at once: :mod:`.revocation`)."""
RECOMMENDATIONS = {
    "strong_yes": _l("Strong yes"),
    "yes": pgettext("scorecard", "Yes"),
    "no": pgettext("scorecard", "No"),
    "strong_no": _l("Strong no"),
}
"""A scorecard's recommendation: stored value → label."""
MAX_NOTES = 10000


class SchedulingError(DomainError):
    """An interview step refused: bad input (422, the default) or the interview's state (409)."""

    status = 422


def valid_timezone(name: str) -> bool:
    if name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ZONE as naive UTC (how the database stores times); a time typed
    with its own UTC offset keeps it. A wall-clock time the zone skips (clocks going
    forward) is refused: it names no moment. Of a time that happens twice (clocks going
    back) the first is meant."""
    if local.tzinfo is not None:
        return local.astimezone(UTC).replace(tzinfo=None)
    place = ZoneInfo(zone)
    moment = local.replace(tzinfo=place).astimezone(UTC)
    if moment.astimezone(place).replace(tzinfo=None) != local:
        raise SchedulingError(
            _l(
                "%(time)s does not exist in %(zone)s: the clocks skip it. Choose another time.",
                time=local.strftime("%Y-%m-%d %H:%M"),
                zone=zone,
            )
        )
    return moment.replace(tzinfo=None)


def employer_id_of(interview: Interview) -> int:
    return interview.application.job.employer_id


def is_interviewer(user: User, interview: Interview) -> bool:
    return bool(user.is_authenticated) and works_for(user, employer_id_of(interview))


def is_candidate(user: User, interview: Interview) -> bool:
    return bool(user.is_authenticated) and user.id == interview.application.candidate_id


def interviewers(interview: Interview) -> list[User]:
    return [member.user for member in interview.application.job.employer.members]


def _check_slots(starts: list[datetime], zone: str, duration: int) -> list[datetime]:
    if not valid_timezone(zone):
        raise SchedulingError(_l("Choose a valid time zone."))
    if duration not in DURATIONS:
        raise SchedulingError(_l("Choose a duration from the list."))
    if not 1 <= len(starts) <= MAX_SLOTS:
        raise SchedulingError(_l("Propose between 1 and %(n)d time slots.", n=MAX_SLOTS))
    too_far = SchedulingError(_l("Every time slot must be within a year from now."))
    try:
        in_utc = sorted({to_utc(start, zone) for start in starts})
    except OverflowError:  # a time in year 1 or 9999 crossed the calendar's edge
        raise too_far from None
    if len(in_utc) != len(starts):
        raise SchedulingError(_l("The same time slot is proposed twice."))
    if in_utc[0] <= utcnow():
        raise SchedulingError(_l("Every time slot must be in the future."))
    if in_utc[-1] > utcnow() + HORIZON:
        raise too_far
    return in_utc


def ensure_hiring(application: Application) -> None:
    """Refuse (409) to arrange an interview once the job's hiring has ended (closed by its
    employer or taken down: `closing.hiring_ended`)."""
    if closing.hiring_ended(application.job):
        raise SchedulingError(
            _l("This job is closed, so no interview can be arranged for it."), 409
        )


def propose(
    application: Application, actor: User, starts: list[datetime], zone: str, duration: int
) -> Interview:
    """A new interview with 1-5 slots (wall-clock times in ZONE); the candidate is told.
    One interview at a time is being arranged per application (a second round follows the
    first): a double tap, or two colleagues at once, must not send the candidate two."""
    in_utc = _check_slots(starts, zone, duration)
    # A close locks the job: it waits for this proposal and cancels it, or this waits for the
    # close and is refused.
    lock(db.session, application.job, shared=True)
    ensure_hiring(application)
    lock(db.session, application)
    open_one = db.session.scalar(
        select(Interview.id).where(
            Interview.application_id == application.id,
            Interview.status.in_([InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED]),
        )
    )
    if open_one is not None:
        raise SchedulingError(
            _l(
                "An interview for this application is already being arranged: change its times instead."
            ),
            409,
        )
    interview = Interview(
        application=application,
        duration_minutes=duration,
        timezone=zone,
        created_by_id=actor.id,
        slots=[InterviewSlot(starts_at=start) for start in in_utc],
    )
    db.session.add(interview)
    db.session.flush()
    audit.record("interview.propose", interview, actor=actor, slots=[s.isoformat() for s in in_utc])
    advance_to_interview(application, actor)
    _tell_candidate(interview, "interview_proposed")
    return interview


def reschedule(
    interview: Interview, actor: User, starts: list[datetime], zone: str, duration: int
) -> None:
    """New slots replace the old ones; the interview waits for the candidate's pick again."""
    lock(db.session, interview)
    if interview.status not in (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED):
        raise SchedulingError(_l("This interview can no longer be changed."), 409)
    in_utc = _check_slots(starts, zone, duration)
    if interview.room is not None:
        # The old time's room goes: its people are told and hung up on, the candidate's
        # admission with it; the new time gets a room of its own (pick), so no token of the
        # old one (bound to its id) ever opens the new one.
        close_room(interview, "rescheduled")
        interview.room.expires_at = utcnow()
        interview.room = None
    interview.slots.clear()
    db.session.flush()  # the unique (interview, start) constraint must see the old slots gone
    interview.slots.extend(InterviewSlot(starts_at=start) for start in in_utc)
    interview.status = InterviewStatus.PROPOSED
    interview.starts_at = None
    interview.timezone = zone
    interview.duration_minutes = duration
    audit.record(
        "interview.reschedule", interview, actor=actor, slots=[s.isoformat() for s in in_utc]
    )
    _tell_candidate(interview, "interview_rescheduled")


def _tell_candidate(interview: Interview, kind: str) -> None:
    """Notify the candidate that there are times to pick from (KIND says why)."""
    job = interview.application.job
    notify(
        interview.application.candidate,
        kind,
        _link(interview),
        job=job.title,
        employer=job.employer.name,
    )


def pick(interview: Interview, candidate: User, slot_id: int) -> None:
    """The candidate's one click: the slot becomes the time, the room opens, reminders queue."""
    lock(db.session, interview)
    if interview.status != InterviewStatus.PROPOSED:
        raise SchedulingError(_l("This interview is not waiting for a time choice."), 409)
    slot = next((s for s in interview.slots if s.id == slot_id), None)
    if slot is None:
        raise SchedulingError(_l("Choose one of the proposed times."))
    if slot.starts_at <= utcnow():
        raise SchedulingError(_l("That time has already passed; ask for new times."), 409)
    interview.starts_at = slot.starts_at
    interview.status = InterviewStatus.SCHEDULED
    open_room(interview)
    audit.record(
        "interview.schedule", interview, actor=candidate, starts_at=slot.starts_at.isoformat()
    )
    for user in interviewers(interview):
        notify(
            user,
            "interview_scheduled",
            _link(interview),
            candidate=candidate.name,
            job=interview.application.job.title,
        )
    schedule_reminders(interview)
    webhooks.emit(
        employer_id_of(interview),
        "interview.scheduled",
        {
            "interview_id": interview.id,
            "application_id": interview.application_id,
            "starts_at": interview.starts_at.isoformat() + "Z",
            "duration_minutes": interview.duration_minutes,
        },
    )


def cancel(interview: Interview, actor: User, note: str = "", reason: str = "") -> None:
    """Cancel the interview and tell the other side. REASON is a code of
    `app.labels.CANCEL_REASONS`: the platform's (a job closed or taken down), else which side
    cancelled; NOTE is what the person typed, kept as written. Both are stored, not a sentence,
    so each reader sees them in their own language; a take-down names no official."""
    lock(db.session, interview)
    if interview.status not in (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED):
        raise SchedulingError(_l("This interview can no longer be cancelled."), 409)
    interviewer = is_interviewer(actor, interview)
    reason = reason or ("employer_cancelled" if interviewer else "candidate_cancelled")
    note = note.strip()[:500]
    interview.status = InterviewStatus.CANCELLED
    interview.cancel_reason, interview.cancel_note = reason, note
    audit.record("interview.cancel", interview, actor=actor, reason=reason, note=note)
    others = [interview.application.candidate] if interviewer else interviewers(interview)
    for user in others:
        if user.id != actor.id:
            notify(user, "interview_cancelled", _link(interview), **cancel_params(interview, actor))
    if interview.room_id:
        close_room(interview, "cancelled")


def cancel_params(interview: Interview, actor: User) -> dict:
    """The `interview_cancelled` notification's parameters: codes and typed words, not text."""
    params = {"job": interview.application.job.title, "reason": interview.cancel_reason}
    if interview.cancel_reason != "job_taken_down":  # "the regional officials", not a name
        params["by"] = actor.name
    if interview.cancel_note:
        params["note"] = interview.cancel_note
    return params


def complete(interview: Interview, actor: User) -> None:
    """An interviewer ends the interview: it is completed and the room closes to newcomers."""
    lock(db.session, interview)
    if interview.status != InterviewStatus.SCHEDULED:
        raise SchedulingError(_l("Only a scheduled interview can be ended."), 409)
    interview.status = InterviewStatus.COMPLETED
    audit.record("interview.complete", interview, actor=actor)
    if interview.room_id:
        close_room(interview, "ended")


def close_room(interview: Interview, reason: str) -> None:
    """Close the interview's room for everyone: the media server tells the people in it
    REASON (ended, cancelled, rescheduled) and hangs up, tokens stop working, the lobby forgets
    who waited and who was admitted. Redis is written before the commit: a rollback after it
    leaves an interview that says scheduled with its room closed, which the interviewer mends
    by opening it again, while the other order could leave a cancelled interview's room open."""
    redis = get_redis(current_app)
    video_rooms.close_room(redis, interview.room_id, reason)
    lobby.clear(redis, interview.room_id)


def grant_access(interview: Interview, user: User) -> None:
    """Let USER into the interview's room for the next :data:`ACCESS_LEASE_SECONDS`. The
    caller has just checked, against the database, that USER belongs there; the room pages
    renew the lease while they are open, so one who no longer belongs finds their token
    refused within the lease, whatever they hold."""
    video_rooms.grant(
        get_redis(current_app),
        interview.room_id,
        str(user.id),
        ACCESS_LEASE_SECONDS,
        int(room_expiry(interview).replace(tzinfo=UTC).timestamp()),
    )


def room_expiry(interview: Interview) -> datetime:
    return interview.starts_at + timedelta(minutes=interview.duration_minutes) + ROOM_GRACE


def open_room(interview: Interview) -> Room:
    """The interview's room: a Room row plus its entry in the media server's Redis registry."""
    expires = room_expiry(interview)
    ttl = max(60, int((expires - utcnow()).total_seconds()))
    room = db.session.get(Room, interview.room_id) if interview.room_id else None
    if room is None:
        room = Room(
            id=secrets.token_urlsafe(12),
            kind=RoomKind.INTERVIEW,
            capacity=MAX_PARTICIPANTS,
            expires_at=expires,
        )
        db.session.add(room)
        interview.room = room
    room.expires_at = expires
    db.session.flush()
    video_rooms.create_room(
        get_redis(current_app),
        room_id=room.id,
        kind="interview",
        capacity=room.capacity,
        ttl_seconds=ttl,
        listed=True,  # only those the app still lets in (grant_access), whatever token they hold
    )
    return room


def reminder_times(interview: Interview) -> dict[str, datetime]:
    """When each reminder is due (naive UTC), leaving out those already past."""
    now = utcnow()
    return {
        kind: interview.starts_at - before
        for kind, before in REMINDERS.items()
        if interview.starts_at - before > now
    }


def schedule_reminders(interview: Interview) -> None:
    queue = get_queue()
    for kind, when in reminder_times(interview).items():
        queue.enqueue_at(
            when.replace(tzinfo=UTC),
            "app.interviews.tasks.remind",
            interview.id,
            kind,
            interview.starts_at.isoformat(),
        )


def remind(interview: Interview, kind: str, planned_start: str) -> int:
    """Send one reminder to everybody taking part, if the interview still happens then."""
    if interview.status != InterviewStatus.SCHEDULED or interview.starts_at is None:
        return 0
    if interview.starts_at.isoformat() != planned_start:
        return 0
    people = [interview.application.candidate, *interviewers(interview)]
    for user in people:
        notify(
            user,
            "interview_reminder_" + kind,
            _link(interview),
            job=interview.application.job.title,
        )
    return len(people)


def _link(interview: Interview, external: bool = False) -> str:
    """The interview page; workers (reminders) have no request, so they get the plain path."""
    if not has_request_context():
        return f"/video/interviews/{interview.id}"
    return url_for("interviews.interview", interview_id=interview.id, _external=external)


def ics(interview: Interview) -> bytes:
    """An iCalendar invitation (METHOD:REQUEST, or CANCEL once cancelled) with a stable UID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Yunpin//Interviews//EN")
    calendar.add("version", "2.0")
    cancelled = interview.status == InterviewStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    host = current_app.config.get("SERVER_NAME") or "yunpin"
    event.add("uid", f"interview-{interview.id}@{host}")
    start = interview.starts_at.replace(tzinfo=UTC)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview.duration_minutes))
    event.add("dtstamp", datetime.now(UTC))
    application = interview.application
    event.add("summary", f"{application.job.employer.name}: {application.job.title}")
    link = _link(interview, external=True)
    event.add("description", link)
    event.add("url", link)
    event.add("location", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", len(interview.slots))
    calendar.add_component(event)
    return calendar.to_ical()


def scorecards(interview: Interview) -> list[Scorecard]:
    """Every scorecard on the interview's application (earlier interviews too), oldest first."""
    return list(
        db.session.scalars(
            select(Scorecard)
            .where(Scorecard.application_id == interview.application_id)
            .order_by(Scorecard.created_at)
        )
    )


def of_application(application_id: int) -> list[Interview]:
    """An application's interviews, newest first (its page links each one)."""
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.application_id == application_id)
            .order_by(Interview.created_at.desc(), Interview.id.desc())
        )
    )


def application_scorecards(application_id: int) -> list[Scorecard]:
    return list(
        db.session.scalars(
            select(Scorecard)
            .where(Scorecard.application_id == application_id)
            .order_by(Scorecard.created_at)
        )
    )


def authors(cards: list[Scorecard]) -> dict[int, User]:
    """The authors of CARDS by id; a member who left the platform is missing."""
    ids = {card.author_id for card in cards if card.author_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def own_scorecard(interview: Interview, author: User) -> Scorecard | None:
    return db.session.scalar(
        select(Scorecard).where(
            Scorecard.interview_id == interview.id, Scorecard.author_id == author.id
        )
    )


def save_scorecard(
    interview: Interview, author: User, rating: str, recommendation: str, notes: str
) -> Scorecard:
    """AUTHOR's own scorecard for the interview, created or replaced; saved to the application.
    RATING is the form's text (empty: no rating); the caller has checked AUTHOR interviews."""
    rating, notes = rating.strip(), notes.strip()
    score = int(rating) if rating.isdecimal() and len(rating) <= 2 else None  # not int("1" * 5000)
    if (
        (rating and (score is None or not 1 <= score <= 5))
        or (recommendation and recommendation not in RECOMMENDATIONS)
        or len(notes) > MAX_NOTES
    ):
        raise SchedulingError(
            _l(
                "Rate from 1 to 5, choose a recommendation from the list, and keep notes under 10,000 characters."
            )
        )
    card = own_scorecard(interview, author)
    if card is None:
        card = Scorecard(
            interview_id=interview.id, application_id=interview.application_id, author_id=author.id
        )
        db.session.add(card)
    card.rating, card.recommendation, card.notes = score, recommendation, notes
    return card
