"""The signaling proxy is rate limited: each offer costs the media server a peer connection."""

from __future__ import annotations

from app import create_app
from app.media.routes import OFFER_LIMIT
from tests.conftest import base_config


def test_offers_beyond_the_limit_get_429_problem_json(database_uri, tmp_path):
    limited = create_app(
        {
            **base_config(tmp_path, database_uri),
            "RATELIMIT_ENABLED": True,
            "VIDEO_URL": "http://127.0.0.1:9",
        }
    )
    client = limited.test_client()
    allowed = int(OFFER_LIMIT.split()[0])
    statuses = [
        client.post(
            "/video/rooms/r1/offer", json={"sdp": "", "type": "offer", "token": ""}
        ).status_code
        for _ in range(allowed + 1)
    ]
    assert set(statuses[:allowed]) == {503}  # nothing listens on port 9: the media server is down
    last = client.post("/video/rooms/r1/offer", json={})
    assert last.status_code == 429 and last.mimetype == "application/problem+json"
