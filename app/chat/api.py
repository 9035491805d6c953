"""/api/v1 conversations: list, open (idempotent), messages after a message id, send, read.

The stream of events, `GET /api/v1/events`, is not in this blueprint (nor in the OpenAPI
document): it is served by the stream processes (app.chat.stream) and, for a few clients,
by the web processes themselves (app.chat.routes); docs/chat.md describes it.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy import and_, or_, select

from app.access import works_for
from app.api.auth import rate_key, role_required, token_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Flag, Listing, Stamp, Text, Whole
from app.api.pagination import DEFAULT_LIMIT, KEYSET, KeysetQuery, page_of, sign_cursor
from app.api.problems import Refusal, refuses
from app.api.schemas import QuerySchema, Schema
from app.chat import service
from app.chat.routes import send_limit
from app.extensions import db
from app.models import Application, Conversation, Invitation, Job, Role, Side

blp = Blueprint(
    "conversations", __name__, description="Conversations between employers and candidates."
)


class ConversationSchema(Schema):
    id = Whole(1, dump_only=True)
    job_id = Whole(1, metadata={"description": "Candidates: open about this job."})
    application_id = Whole(
        1, load_only=True, metadata={"description": "Employers: open with this applicant."}
    )
    invitation_id = Whole(
        1,
        load_only=True,
        metadata={"description": "Employers: open with a candidate you invited to apply."},
    )
    candidate_id = Whole(1, dump_only=True)
    employer_id = Whole(1, dump_only=True, metadata={"description": "The company."})
    job_title = Text(120, attribute="job.title", dump_only=True)
    created_at = Stamp()
    last_message_at = Stamp()
    unread = Whole(0, dump_only=True, metadata={"description": "Messages you have not read."})
    blocked = Flag(
        dump_only=True,
        metadata={"description": "A side blocked it: nobody can send (sending answers 409)."},
    )
    blocked_by_you = Flag(
        dump_only=True,
        metadata={
            "description": "Your side's block stands (lift it on the conversation's page). "
            "The conversation stays blocked while the other side's block stands too."
        },
    )


class MessageSchema(Schema):
    id = Whole(1, dump_only=True)
    conversation_id = Whole(1, dump_only=True)
    sender_id = Whole(1, dump_only=True, allow_none=True)
    side = Choice(Side, dump_only=True)
    kind = Text(20, dump_only=True)
    text = Text(service.MAX_TEXT, min_length=1, required=True)
    created_at = Stamp()


class MessagesQuery(QuerySchema):
    after = Whole(0, strict=False, metadata={"description": "A message id: only later ones."})
    limit = Whole(1, 100, strict=False)


class MessagePageSchema(Schema):
    items = Listing(fields.Nested(MessageSchema), max_items=100, required=True)
    next_cursor = Whole(
        1,
        allow_none=True,
        required=True,
        metadata={"description": "Pass as ?after= for the next page; null when none is left."},
    )


class ReadSchema(Schema):
    up_to = Whole(1, required=True, load_only=True)
    conversation_id = Whole(1, dump_only=True)
    read_up_to = Whole(0, dump_only=True)
    unread = Whole(0, dump_only=True)


ConversationPageSchema = page_of(ConversationSchema)


def as_seen(conversation: Conversation, unread: int) -> Conversation:
    """CONVERSATION with what the API user reads of it: unread messages, their side's block."""
    side = Side.CANDIDATE if conversation.candidate_id == g.api_user.id else Side.EMPLOYER
    conversation.unread = unread
    conversation.blocked_by_you = service.blocks(conversation, side)[0]
    return conversation


def invitation_employer(invitation: Invitation) -> int:
    return db.session.get(Job, invitation.job_id).employer_id


def readable(conversation_id: int) -> Conversation:
    conversation = service.find_visible(g.api_user, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@blp.route("/conversations")
@token_required
@blp.query(KeysetQuery)
@blp.response(200, ConversationPageSchema)
def conversations(args: dict):
    """Your conversations, latest message first"""
    user = g.api_user
    if user.role not in (Role.SEEKER, Role.EMPLOYER):
        return {"items": [], "next_cursor": None}
    query = select(Conversation).where(service.mine(user))
    if "cursor" in args:
        last_at, last_id = args["cursor"]
        query = query.where(
            or_(
                Conversation.last_message_at < last_at,
                and_(Conversation.last_message_at == last_at, Conversation.id < last_id),
            )
        )
    limit = args.get("limit", DEFAULT_LIMIT)
    rows = db.session.scalars(
        query.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(limit + 1)
    ).all()
    items = rows[:limit]
    unread = service.unread_by_conversation(user, [c.id for c in items])
    for conversation in items:
        as_seen(conversation, unread.get(conversation.id, 0))
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = sign_cursor(KEYSET, last.last_message_at.isoformat(), last.id)
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/conversations", methods=["POST"])
@role_required(Role.SEEKER, Role.EMPLOYER)
@blp.body(ConversationSchema)
@blp.response(201, ConversationSchema)
@blp.alt_response(200, schema=ConversationSchema, success=True, description="Already open")
@refuses(409, 422)
def open_conversation(data: dict):
    """Open the conversation about a job (candidate: `job_id`) or with an applicant or an
    invited candidate (employer: `application_id` or `invitation_id`); the existing one is
    returned with 200"""
    user = g.api_user
    given = [key for key in ("job_id", "application_id", "invitation_id") if key in data]
    if len(given) != 1:
        raise Refusal(
            _("Send one of job_id (candidates), application_id or invitation_id (employers)."),
            422,
        )
    if user.role == Role.SEEKER:
        if "job_id" not in data:
            raise Refusal(_("Candidates open a conversation with job_id."), 422)
        job = db.session.get(Job, data["job_id"])
        if job is None or not job.is_public:
            abort(404)
        conversation, created = service.open_for_job(user, job)
    elif "application_id" in data:
        application = db.session.get(Application, data["application_id"])
        if application is None or not works_for(user, application.job.employer_id):
            abort(404)
        conversation, created = service.open_for_application(user, application)
    elif "invitation_id" in data:
        invitation = db.session.get(Invitation, data["invitation_id"])
        if invitation is None or not works_for(user, invitation_employer(invitation)):
            abort(404)
        conversation, created = service.open_for_invitation(user, invitation)
    else:
        raise Refusal(_("Employers open a conversation with application_id or invitation_id."), 422)
    db.session.commit()
    unread = service.unread_count(user, conversation)
    return as_seen(conversation, unread), 201 if created else 200


@blp.route("/conversations/<id:conversation_id>/messages")
@token_required
@blp.query(MessagesQuery)
@blp.response(200, MessagePageSchema)
def messages(args: dict, conversation_id: int):
    """Messages in order, after the message id `after` (polling: pass the last id you have)"""
    conversation = readable(conversation_id)
    limit = args.get("limit", 50)
    rows = service.messages_after(conversation, args.get("after", 0), limit + 1)
    items = rows[:limit]
    return {"items": items, "next_cursor": items[-1].id if len(rows) > limit else None}


@blp.route("/conversations/<id:conversation_id>/messages", methods=["POST"])
@token_required
@send_limit(rate_key)
@blp.body(MessageSchema)
@blp.response(201, MessageSchema)
@refuses(403, 409, 422)
def send(data: dict, conversation_id: int):
    """Send a message (at most 2,000 characters of plain text)

    30 a minute per account, counted together with the messages it sends from the site.
    """
    conversation = readable(conversation_id)
    message = service.send(conversation, g.api_user, data["text"])
    db.session.commit()
    return message


@blp.route("/conversations/<id:conversation_id>/read", methods=["POST"])
@token_required
@blp.body(ReadSchema)
@blp.response(200, ReadSchema)
@refuses(403, 422)
def read(data: dict, conversation_id: int):
    """Mark every message up to `up_to` (a message id) read; the other side gets a receipt"""
    conversation = readable(conversation_id)
    position = service.mark_read(conversation, g.api_user, data["up_to"])
    db.session.commit()
    return {
        "conversation_id": conversation.id,
        "read_up_to": position,
        "unread": service.unread_count(g.api_user, conversation),
    }
