"""The digest mail of messages that stayed unread (queued with `enqueue_in` when sent)."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Conversation, EmployerMember, Message, Side, User
from app.notifications.mail import link_context, send_email
from app.privacy import blind
from app.worker import task


def sender_name(conversation: Conversation, side: str) -> str:
    """Who wrote, as the reader knows them (a blind employer: the candidate's label, in the
    reader's language)."""
    if side == Side.EMPLOYER:
        return conversation.employer.name
    return blind.conversation_candidate_name(conversation)


@task(writes=False)
def digest(conversation_id: int, side: str) -> int:
    """Mail the other side of CONVERSATION_ID what SIDE wrote and it has not read (the
    newest message, and how many); how many mails were sent."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        return 0
    if side == Side.EMPLOYER:
        read_up_to = conversation.candidate_read_up_to
        recipients = [conversation.candidate]
    else:
        read_up_to = conversation.employer_read_up_to
        recipients = db.session.scalars(
            select(User)
            .join(EmployerMember, EmployerMember.user_id == User.id)
            .where(EmployerMember.employer_id == conversation.employer_id, User.active)
        ).all()
    unread = select(Message).where(
        Message.conversation_id == conversation.id, Message.side == side, Message.id > read_up_to
    )
    newest = db.session.scalar(unread.order_by(Message.id.desc()).limit(1))
    if newest is None:
        return 0
    count = db.session.scalar(select(func.count()).select_from(unread.subquery()))
    with link_context():
        link = url_for("chat.conversation", conversation_id=conversation.id, _external=True)
        for user in recipients:
            with force_locale(user.locale or "zh"):
                name = sender_name(conversation, side)
                subject = _("New message from %(sender)s", sender=name)
            send_email(
                user.email,
                subject,
                "chat_digest",
                locale=user.locale,
                sender=name,
                job=conversation.job.title,
                text=newest.text,
                unread=count,
                link=link,
            )
        db.session.commit()  # the deferred mails are enqueued on commit
    return len(recipients)
