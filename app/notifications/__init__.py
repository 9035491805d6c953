"""Notifications: in-app messages, each with an e-mail copy delivered through the queue."""
