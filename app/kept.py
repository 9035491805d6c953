"""Figures a web process keeps for a while instead of asking the database on every page.

Only for figures a page may show a few minutes late (how fast an employer replies, a
region's name): what a reader just changed must never come from here. The store lives
on the app (``app.extensions``), so every app, and so every test, starts empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def kept(kind: str, key: Hashable, compute: Callable[[], T], *, ttl: float, limit: int) -> T:
    """COMPUTE()'s value for KEY, computed again once TTL seconds have passed. Past LIMIT
    keys the store starts again empty (a bound on memory, not an eviction order)."""
    store = current_app.extensions.setdefault(f"kept:{kind}", {})
    now = time.monotonic()
    found = store.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = compute()
    if len(store) >= limit:
        store.clear()
    store[key] = (now + ttl, value)
    return value
