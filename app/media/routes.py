"""The media servers' endpoints on the app's port, forwarded unchanged to the server holding
the room: the browser's ``POST /video/rooms/<id>/offer`` and ``GET /video/rooms/<id>/liveness``
(identity checks).

The offer route is CSRF-exempt: it carries no cookie-based authority, only the room token inside
the JSON body, which the media server verifies. Status and JSON body come back as they are
(400/403/404/409 keep their meaning, see docs/video.md); when no media server can be reached the
answer is 503 with the same JSON error shape.

Each room lives on one media server (:mod:`video.registry`). A server that refuses the
connection has died: it is dropped from the registry and the request goes to the server the
room is placed on next, so a client reconnecting after a crash lands on a live server at once
instead of after the dead one's heartbeat expires.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import redis
from flask import Blueprint, Response, current_app, request

from app.extensions import csrf, limiter
from app.media.service import forget_server, server_for_room
from video.exceptions import NoMediaServer, RoomNotFound
from video.rooms import ROOM_ID_RE

bp = Blueprint("media", __name__)


TIMEOUT_SECONDS = 20
"""aiortc answers after gathering its own candidates; a few seconds on a loaded machine."""


OFFER_LIMIT = "30 per minute"
"""Each offer costs the media server a peer connection; a reconnecting browser needs a few."""


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _unavailable() -> Response:
    return _json(503, {"error": "media_unavailable", "message": "the media server is unreachable"})


def _forward(room_id: str, method: str, path: str, data: bytes | None = None) -> Response:
    """Send the request to the room's server; once more to the next one if it refuses."""
    if not ROOM_ID_RE.match(room_id):
        return _json(
            400, {"error": "bad_request", "message": "room id must be 1-64 of A-Z a-z 0-9 _ -"}
        )
    quoted = urllib.parse.quote(room_id, safe="")
    for attempt in (1, 2):
        try:
            base = server_for_room(current_app, room_id)
        except RoomNotFound:
            return _json(404, {"error": "room_not_found", "message": f"no room {room_id!r}"})
        except (NoMediaServer, redis.RedisError) as error:
            current_app.logger.warning("no media server for room %s: %s", room_id, error)
            return _unavailable()
        url = f"{base}/video/rooms/{quoted}{path}"
        headers = {"Content-Type": "application/json"} if data is not None else {}
        outgoing = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(outgoing, timeout=TIMEOUT_SECONDS) as answer:
                status, body = answer.status, answer.read()
            break
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
            break
        except (urllib.error.URLError, OSError) as error:
            current_app.logger.warning("media server unreachable at %s: %s", url, error)
            refused = isinstance(getattr(error, "reason", error), ConnectionRefusedError)
            if not refused or attempt == 2:
                return _unavailable()
            forget_server(current_app, base)
    try:
        json.loads(body)
    except ValueError:
        return _json(
            502, {"error": "bad_gateway", "message": "the media server answered without JSON"}
        )
    return Response(body, status=status, mimetype="application/json")


@bp.route("/video/rooms/<room_id>/offer", methods=["POST"])
@csrf.exempt
@limiter.limit(OFFER_LIMIT)
def offer(room_id: str) -> Response:
    return _forward(room_id, "POST", "/offer", request.get_data())


@bp.route("/video/rooms/<room_id>/liveness")
def liveness(room_id: str) -> Response:
    query = urllib.parse.urlencode({"token": request.args.get("token", "")})
    return _forward(room_id, "GET", f"/liveness?{query}")
