"""The media server's endpoints on the app's port, forwarded unchanged: the browser's
``POST /video/rooms/<id>/offer`` and ``GET /video/rooms/<id>/liveness`` (identity checks).

The offer route is CSRF-exempt: it carries no cookie-based authority, only the room token inside
the JSON body, which the media server verifies. Status and JSON body come back as they are
(400/403/404/409 keep their meaning, see docs/video.md); when the media server cannot be
reached the answer is 503 with the same JSON error shape.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from flask import Blueprint, Response, current_app, request

from app.extensions import csrf, limiter
from app.media.service import media_url

bp = Blueprint("media", __name__)


TIMEOUT_SECONDS = 20
"""aiortc answers after gathering its own candidates; a few seconds on a loaded machine."""


OFFER_LIMIT = "30 per minute"
"""Each offer costs the media server a peer connection; a reconnecting browser needs a few."""


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _forward(method: str, path: str, data: bytes | None = None) -> Response:
    url = media_url(current_app) + path
    headers = {"Content-Type": "application/json"} if data is not None else {}
    outgoing = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(outgoing, timeout=TIMEOUT_SECONDS) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        current_app.logger.warning("media server unreachable at %s: %s", url, error)
        return _json(
            503, {"error": "media_unavailable", "message": "the media server is unreachable"}
        )
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
    return _forward(
        "POST", f"/video/rooms/{urllib.parse.quote(room_id, safe='')}/offer", request.get_data()
    )


@bp.route("/video/rooms/<room_id>/liveness")
def liveness(room_id: str) -> Response:
    query = urllib.parse.urlencode({"token": request.args.get("token", "")})
    return _forward("GET", f"/video/rooms/{urllib.parse.quote(room_id, safe='')}/liveness?{query}")
