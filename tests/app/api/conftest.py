from __future__ import annotations

import pytest

from app.queue import DERIVED

from .seed import seed


@pytest.fixture
def world(app, worker):
    world = seed()
    worker(DERIVED)  # the public job list is a search: index what was seeded
    return world


@pytest.fixture
def api(client, world):
    """CLIENT calls as someone: api("seeker").get(...) sends that person's bearer token."""

    class As:
        def __init__(self, who: str | None):
            self.headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}

        def __getattr__(self, method):
            def call(path, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)("/api/v1" + path, headers=headers, **kwargs)

            return call

    return As
