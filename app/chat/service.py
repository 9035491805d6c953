"""Conversations: who is a party to which, opening them, sending, reading, and the actions
taken inside one (sharing the résumé, exchanging contacts, blocking, reporting).

Pages and the REST API call these functions; each changes the session and leaves the commit
to its caller. Refusals raise `ChatError`. Every stored message is published to the stream
once the transaction commits (app.chat.events) and sent to the employer's webhooks
(`conversation.message`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError

from app.access import covers_region, works_for
from app.chat import events
from app.database import update_if
from app.employers.review import officials_for
from app.errors import DomainError
from app.extensions import db
from app.kept import kept
from app.models import (
    Application,
    Conversation,
    Invitation,
    Job,
    Message,
    Resume,
    Role,
    Side,
    User,
    utcnow,
)
from app.notifications.service import notify
from app.webhooks import service as webhooks

MAX_TEXT = 2000
"""Characters in one message."""

DIGEST_AFTER = timedelta(minutes=15)
"""A message still unread this long after it was sent is mailed to its recipient."""


QUICK_REPLIES = (
    _l("Thank you for your interest. Could you tell me when you can start?"),
    _l("Your profile fits this job. Would you like to schedule an interview?"),
    _l("Please send your résumé so we can look at it."),
    _l("Thank you, but we have decided to go on with other candidates."),
)
"""What an employer can send with one tap."""


class ChatError(DomainError):
    pass


def side_of(user: User, conversation: Conversation) -> Side | None:
    """Which side USER is on, or None when they are not a party."""
    if user.id == conversation.candidate_id:
        return Side.CANDIDATE
    if user.role == Role.EMPLOYER and works_for(user, conversation.employer_id):
        return Side.EMPLOYER
    return None


def may_read(user: User, conversation: Conversation) -> bool:
    """The two sides, and the officials of the employer's region once it was reported."""
    if side_of(user, conversation) is not None:
        return True
    return conversation.reported_at is not None and covers_region(
        user, conversation.employer.region_code
    )


def find_visible(user: User, conversation_id: int) -> Conversation | None:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not may_read(user, conversation):
        return None
    return conversation


def mine(user: User):
    """SQL: the conversations USER is a party to."""
    if user.role == Role.EMPLOYER and user.membership is not None:
        return Conversation.employer_id == user.membership.employer_id
    return Conversation.candidate_id == user.id


def about(job_id: int, candidate_id: int) -> Conversation | None:
    """The conversation about JOB_ID with the candidate, whichever side opened it."""
    return db.session.scalar(
        select(Conversation).where(
            Conversation.job_id == job_id, Conversation.candidate_id == candidate_id
        )
    )


def _open(job: Job, candidate_id: int, started_by: Side) -> tuple[Conversation, bool]:
    """The conversation of JOB and the candidate, made when missing; (conversation, made)."""
    existing = about(job.id, candidate_id)
    if existing is not None:
        return existing, False
    conversation = Conversation(
        job_id=job.id, candidate_id=candidate_id, employer_id=job.employer_id, started_by=started_by
    )
    try:
        with db.session.begin_nested():
            db.session.add(conversation)
    except IntegrityError:  # opened at the same moment by another request
        return _open(job, candidate_id, started_by)
    return conversation, True


def open_for_job(candidate: User, job: Job) -> tuple[Conversation, bool]:
    """A candidate's "沟通" on a job anyone can see."""
    if candidate.role != Role.SEEKER:
        raise ChatError(_l("Only job seekers can start a conversation about a job."), 403)
    return _open(job, candidate.id, Side.CANDIDATE)


def open_for_application(member: User, application: Application) -> tuple[Conversation, bool]:
    """An employer's member talks to an applicant."""
    return _open(application.job, application.candidate_id, Side.EMPLOYER)


def open_for_invitation(member: User, invitation: Invitation) -> tuple[Conversation, bool]:
    """An employer's member talks to a candidate they invited (before or after an answer)."""
    return _open(db.session.get(Job, invitation.job_id), invitation.candidate_id, Side.EMPLOYER)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """A message as stored: NFC, Unix newlines, no control or bidi-override characters, at
    most three blank lines in a row, trimmed. It is plain text, escaped wherever shown."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    text = re.sub(r"\n{4,}", "\n\n\n", text).strip()
    if not text:
        raise ChatError(_l("Write a message first."), 422)
    if len(text) > MAX_TEXT:
        raise ChatError(_l("A message is at most %(n)d characters.", n=MAX_TEXT), 422)
    return text


def send(conversation: Conversation, sender: User, text: str, kind: str = "text") -> Message:
    side = side_of(sender, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    if conversation.blocked:
        raise ChatError(_l("This conversation is blocked."), 409)
    message = Message(
        conversation_id=conversation.id,
        sender_id=sender.id,
        side=side,
        text=clean_text(text) if kind == "text" else text,
        kind=kind,
    )
    db.session.add(message)
    db.session.flush()
    conversation.last_message_at = message.created_at
    # The sender has read everything up to what they wrote.
    _advance_read(conversation, side, message.id)
    events.publish(conversation, "message", message_json(message))
    events.digest_later(conversation.id, side.value, DIGEST_AFTER)
    webhooks.emit(  # ids, not the text: the employer's system reads it through the API
        conversation.employer_id,
        "conversation.message",
        {
            "conversation_id": conversation.id,
            "message_id": message.id,
            "job_id": conversation.job_id,
            "candidate_id": conversation.candidate_id,
            "from": side.value,
        },
    )
    return message


def _read_column(side: Side):
    return (
        Conversation.candidate_read_up_to
        if side == Side.CANDIDATE
        else Conversation.employer_read_up_to
    )


def _advance_read(conversation: Conversation, side: Side, up_to: int) -> bool:
    """Move SIDE's read position forward to UP_TO (never back, whoever commits first)."""
    column = _read_column(side)
    moved = update_if(db.session, conversation, column < up_to, **{column.key: up_to})
    return moved


def mark_read(conversation: Conversation, reader: User, up_to: int) -> int:
    """SIDE has read every message up to UP_TO (a message id of this conversation); the
    other side sees the receipt. Returns the read position after."""
    side = side_of(reader, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    last = db.session.scalar(
        select(func.max(Message.id)).where(
            Message.conversation_id == conversation.id, Message.id <= up_to
        )
    )
    if last is None:
        raise ChatError(_l("There is no such message in this conversation."), 422)
    if _advance_read(conversation, side, last):
        events.publish(
            conversation,
            "read",
            {
                "conversation_id": conversation.id,
                "side": side.value,
                "reader_id": reader.id,
                "up_to": last,
            },
        )
    db.session.refresh(conversation)
    return getattr(conversation, _read_column(side).key)


def messages_after(conversation: Conversation, after: int, limit: int) -> list[Message]:
    return db.session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.id > after)
        .order_by(Message.id)
        .limit(limit)
    ).all()


def unread_clause(user: User):
    """SQL over Message joined to Conversation: messages to USER not yet read."""
    if user.role == Role.EMPLOYER:
        return and_(Message.side == Side.CANDIDATE, Message.id > Conversation.employer_read_up_to)
    return and_(Message.side == Side.EMPLOYER, Message.id > Conversation.candidate_read_up_to)


def unread_count(user: User, conversation: Conversation | None = None) -> int:
    """Messages waiting for USER, in one conversation or all of theirs."""
    if user.role not in (Role.SEEKER, Role.EMPLOYER):
        return 0
    if user.role == Role.EMPLOYER and user.membership is None:
        return 0
    query = (
        select(func.count(Message.id))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(unread_clause(user))
    )
    query = query.where(
        Conversation.id == conversation.id if conversation is not None else mine(user)
    )
    return db.session.scalar(query) or 0


def unread_by_conversation(user: User, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.id.in_(ids), unread_clause(user))
        .group_by(Message.conversation_id)
    )
    return dict(rows.all())


def message_json(message: Message) -> dict:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "sender_id": message.sender_id,
        "side": message.side.value,
        "kind": message.kind,
        "text": message.text,
        "created_at": message.created_at.isoformat() + "Z",
    }


# Actions inside a conversation -----------------------------------------------------------


def share_resume(conversation: Conversation, candidate: User, resume: Resume) -> Message:
    """The candidate shows RESUME to the employer: its members may open it from now on."""
    if side_of(candidate, conversation) != Side.CANDIDATE or resume.user_id != candidate.id:
        raise ChatError(_l("Only the candidate can share their own résumé."), 403)
    conversation.shared_resume_id = resume.id
    return send(conversation, candidate, resume.headline, kind="resume")


def resume_shared_with(employer_id: int, resume_id: int) -> bool:
    """Whether a conversation of EMPLOYER_ID carries RESUME_ID (app.resumes.service.can_view)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Conversation.employer_id == employer_id,
                    Conversation.shared_resume_id == resume_id,
                )
            )
        )
    )


WECHAT_ID = re.compile(r"[A-Za-z][-_A-Za-z0-9]{5,19}|1\d{10}")
"""A WeChat ID as WeChat allows it (6–20 characters from a letter), or a mobile number."""


def clean_wechat(wechat: str) -> str:
    wechat = (wechat or "").strip()
    if wechat and not WECHAT_ID.fullmatch(wechat):
        raise ChatError(
            _l("A WeChat ID is 6 to 20 letters, digits, - or _, starting with a letter."), 422
        )
    return wechat


def agree_to_share_contact(
    conversation: Conversation, user: User, wechat: str = ""
) -> Message | None:
    """USER's side agrees to exchange phone and WeChat (WECHAT: their ID, optional, may be
    changed later); once both have, both see them."""
    side = side_of(user, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    wechat = clean_wechat(wechat)
    prefix = "candidate" if side == Side.CANDIDATE else "employer"
    if wechat:
        setattr(conversation, f"{prefix}_wechat", wechat)
        db.session.flush()  # before the refresh below reloads the row
    column = f"{prefix}_shares_contact"
    if not update_if(
        db.session, conversation, getattr(Conversation, column).is_(False), **{column: True}
    ):
        return None
    db.session.refresh(conversation)
    return send(conversation, user, "", kind="contact")


def last_wechat(user: User) -> str:
    """The WeChat ID USER's side gave last, to fill in the next exchange."""
    if user.role == Role.EMPLOYER and user.membership is not None:
        column, where = Conversation.employer_wechat, mine(user)
    else:
        column, where = Conversation.candidate_wechat, Conversation.candidate_id == user.id
    return (
        db.session.scalar(
            select(column).where(where, column != "").order_by(Conversation.id.desc()).limit(1)
        )
        or ""
    )


def contacts_visible(conversation: Conversation) -> bool:
    return conversation.candidate_shares_contact and conversation.employer_shares_contact


def employer_phone(conversation: Conversation) -> str | None:
    """The phone of the member who last wrote for the employer (shown once both agreed)."""
    sender = db.session.scalar(
        select(User)
        .join(Message, Message.sender_id == User.id)
        .where(Message.conversation_id == conversation.id, Message.side == Side.EMPLOYER)
        .order_by(Message.id.desc())
        .limit(1)
    )
    return sender.phone if sender is not None else None


def _block_column(side: Side):
    return (
        Conversation.blocked_by_candidate
        if side == Side.CANDIDATE
        else Conversation.blocked_by_employer
    )


def blocks(conversation: Conversation, side: Side) -> tuple[bool, bool]:
    """(SIDE's own block stands, the other side's stands)."""
    candidate, employer = conversation.blocked_by_candidate, conversation.blocked_by_employer
    return (candidate, employer) if side == Side.CANDIDATE else (employer, candidate)


def _place_block(conversation: Conversation, side: Side) -> None:
    """SIDE's block, placed unless it stands already (another tab, a colleague)."""
    column = _block_column(side)
    update_if(db.session, conversation, column.is_(False), **{column.key: True})


def block(conversation: Conversation, user: User) -> None:
    """USER's side blocks the conversation: nobody sends in it until every side that blocked
    it has lifted its own block. Blocking what one's side already blocked changes nothing."""
    side = side_of(user, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    _place_block(conversation, side)


def unblock(conversation: Conversation, user: User) -> None:
    """USER's side lifts its own block; the other side's, if any, stands (an official
    reading a reported conversation has none to lift)."""
    side = side_of(user, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    column = _block_column(side)
    if update_if(db.session, conversation, column.is_(True), **{column.key: False}):
        return
    # Lost to another request, or never blocked by this side: say what stands now.
    db.session.refresh(conversation)
    if conversation.blocked:
        raise ChatError(
            _l("This conversation is blocked by the other side: only they can unblock it."), 409
        )
    raise ChatError(_l("This conversation is already unblocked."), 409)


def report(conversation: Conversation, user: User, reason: str) -> None:
    """Send the conversation to the officials of the employer's region; the reporter's side
    blocks it too (its own block, lifted as any other)."""
    side = side_of(user, conversation)
    if side is None:
        raise ChatError(_l("You are not part of this conversation."), 403)
    reason = (reason or "").strip()[:1000]
    if not update_if(
        db.session,
        conversation,
        Conversation.reported_at.is_(None),
        reported_at=utcnow(),
        reported_by=side,
        report_reason=reason,
    ):
        raise ChatError(_l("This conversation was already reported."), 409)
    _place_block(conversation, side)
    _tell_officials(conversation)


def _tell_officials(conversation: Conversation) -> None:
    """The officials of the employer's region hear of a report as of a job reported."""
    employer = conversation.employer
    for official in officials_for(employer.region_code):
        notify(
            official,
            "conversation_reported",
            url_for("chat.conversation", conversation_id=conversation.id),
            email=False,
            employer=employer.name,
        )


def reported_in(region_code: str):
    """SQL: conversations reported to officials of REGION_CODE (employers in that subtree)."""
    from app.models import Employer

    return and_(
        Conversation.reported_at.is_not(None),
        Conversation.employer_id.in_(
            select(Employer.id).where(Employer.region_code.startswith(region_code))
        ),
    )


# What seekers see of an employer -------------------------------------------------------

REPLY_WINDOW = timedelta(days=30)
BEIJING_OFFSET = timedelta(hours=8)


@dataclass(frozen=True)
class Responsiveness:
    median_reply_s: float | None
    """Median time from a candidate's first message to the employer's first answer, over
    the conversations started in the last 30 days that were answered."""
    answered: int
    asked: int
    active_today: bool
    """A member wrote in a conversation or signed in since midnight, Beijing time."""


SHOWN_RESPONSIVENESS_TTL = 300.0
"""Seconds a web process shows the same reply figures for an employer: a 30-day median and
"active today" barely move in five minutes, and they cost every job page two queries."""


def shown_responsiveness(employer_id: int) -> Responsiveness:
    """``responsiveness`` as job and company pages show it (kept for a few minutes)."""
    return kept(
        "responsiveness",
        employer_id,
        lambda: responsiveness(employer_id),
        ttl=SHOWN_RESPONSIVENESS_TTL,
        limit=20_000,
    )


def responsiveness(employer_id: int) -> Responsiveness:
    from app.models import EmployerMember

    now = utcnow()
    asked = (
        select(Message.conversation_id, func.min(Message.created_at).label("asked"))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.employer_id == employer_id,
            Message.side == Side.CANDIDATE,
            Message.created_at >= now - REPLY_WINDOW,
        )
        .group_by(Message.conversation_id)
        .subquery()
    )
    pairs = db.session.execute(
        select(asked.c.asked, func.min(Message.created_at))
        .select_from(asked)
        .outerjoin(
            Message,
            and_(
                Message.conversation_id == asked.c.conversation_id,
                Message.side == Side.EMPLOYER,
                Message.created_at >= asked.c.asked,
            ),
        )
        .group_by(asked.c.conversation_id, asked.c.asked)
    ).all()
    waits = sorted((answer - question).total_seconds() for question, answer in pairs if answer)
    median = None
    if waits:
        middle = len(waits) // 2
        median = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    midnight = (now + BEIJING_OFFSET).replace(hour=0, minute=0, second=0, microsecond=0)
    since = midnight - BEIJING_OFFSET
    wrote = exists().where(
        Message.conversation_id == Conversation.id,
        Conversation.employer_id == employer_id,
        Message.side == Side.EMPLOYER,
        Message.created_at >= since,
    )
    signed_in = exists().where(
        EmployerMember.employer_id == employer_id,
        EmployerMember.user_id == User.id,
        User.last_login_at >= since,
    )
    active = bool(db.session.scalar(select(wrote | signed_in)))
    return Responsiveness(median, len(waits), len(pairs), active)
