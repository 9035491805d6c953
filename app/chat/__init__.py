"""Conversations between employers and candidates, delivered in real time (app.chat.stream)."""

from app.ranking import outcomes

from .signals import replies

# a reply in a conversation is a training signal for `yunpin train match`
outcomes.register(replies)
