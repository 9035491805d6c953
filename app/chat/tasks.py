"""The digest mail of a message that stayed unread (queued with `enqueue_in` when sent)."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Conversation, EmployerMember, Message, Side, User
from app.notifications.mail import send_email
from app.worker import task


@task(writes=False)
def digest(message_id: int) -> int:
    """Mail the recipients of MESSAGE_ID if it is still unread; how many mails."""
    message = db.session.get(Message, message_id)
    if message is None:
        return 0
    conversation = db.session.get(Conversation, message.conversation_id)
    if message.side == Side.EMPLOYER:
        if conversation.candidate_read_up_to >= message.id:
            return 0
        recipients = [conversation.candidate]
        sender = conversation.employer.name
    else:
        if conversation.employer_read_up_to >= message.id:
            return 0
        recipients = db.session.scalars(
            select(User)
            .join(EmployerMember, EmployerMember.user_id == User.id)
            .where(EmployerMember.employer_id == conversation.employer_id, User.active)
        ).all()
        sender = conversation.candidate.name
    # One mail per unread stretch: a later unread message in the same conversation will
    # send its own digest, so only the newest one unread mails.
    newer = db.session.scalar(
        select(Message.id)
        .where(
            Message.conversation_id == conversation.id,
            Message.side == message.side,
            Message.id > message.id,
        )
        .limit(1)
    )
    if newer is not None:
        return 0
    link = url_for("chat.conversation", conversation_id=conversation.id, _external=True)
    for user in recipients:
        with force_locale(user.locale or "zh"):
            subject = _("New message from %(sender)s", sender=sender)
        send_email(
            user.email,
            subject,
            "chat_digest",
            locale=user.locale,
            sender=sender,
            job=conversation.job.title,
            text=message.text,
            link=link,
        )
    db.session.commit()  # the deferred mails are enqueued on commit
    return len(recipients)
