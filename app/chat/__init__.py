"""Conversations between employers and candidates, delivered in real time (app.chat.stream)."""
