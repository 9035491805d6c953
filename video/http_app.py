"""The media server's HTTP side: the aiohttp application and its three routes.

- ``POST /video/rooms/<room_id>/offer`` with ``{"sdp", "type": "offer", "token"}`` answers
  ``{"sdp", "type": "answer"}``; errors are ``{"error": code, "message": ...}`` with 400
  (malformed input, an offer :mod:`video.sdp` refuses), 403 (bad/expired token, access
  ended), 404 (unknown room), 409 (full room) or 413 (body or SDP too large). This
  is the signaling contract of ``docs/video.md``; the Flask app proxies it unchanged.
- ``GET /video/rooms/<room_id>/liveness?token=...``: an identity room's check result.
- ``GET /video/health``: counts of rooms and peers, RTCP feedback, where recent joins'
  first frames went (:mod:`video.join_timing`) and how late the event loop ran in the last
  10 s (:mod:`video.loop_lag`).

Everything after the first answer goes over the data channel (:mod:`video.control`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal

from aiohttp import web

from . import eventloop, join_timing, rooms, tokens
from .broadcast import whip as broadcast_whip
from .exceptions import BadRequest, RoomFull, RoomNotFound, TokenError, TooLarge
from .loop_lag import LoopLag
from .settings import VideoSettings
from .sfu import SFU

SFU_KEY = web.AppKey("sfu", SFU)
MAX_BODY_BYTES = 256 * 1024
"""Any request body; an offer's SDP has its own, smaller limit (:data:`video.sdp.MAX_SDP_BYTES`)."""
LOOP_LAG_KEY = web.AppKey("loop_lag", LoopLag)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def offer_view(request: web.Request) -> web.Response:
    sfu = request.app[SFU_KEY]
    room_id = request.match_info["room_id"]
    try:
        body = await request.json(loads=json.loads)
    except web.HTTPRequestEntityTooLarge:
        # aiohttp's own 413 is plain text, which the app's proxy could only call a bad
        # gateway: say it in the contract's JSON.
        return _error(413, "too_large", f"the body is larger than {MAX_BODY_BYTES // 1024} kB")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "bad_request", "body must be JSON")
    try:
        answer = await sfu.handle_offer(room_id, body)
    except TooLarge as exc:
        return _error(413, "too_large", str(exc))
    except BadRequest as exc:
        return _error(400, "bad_request", str(exc))
    except TokenError as exc:
        return _error(403, "forbidden", str(exc))
    except RoomNotFound:
        return _error(404, "room_not_found", f"no room {room_id!r}")
    except RoomFull:
        return _error(409, "room_full", "the room is full")
    return web.json_response(answer)


async def health_view(request: web.Request) -> web.Response:
    status = request.app[SFU_KEY].status()
    lag = request.app[LOOP_LAG_KEY].report()
    return web.json_response(
        {"ok": True, **status, "join_ms": join_timing.report(), "loop_lag_ms": lag}
    )


async def liveness_view(request: web.Request) -> web.Response:
    """Identity-room result (see ``docs/video.md``); needs a valid token for the room."""
    sfu = request.app[SFU_KEY]
    room_id = request.match_info["room_id"]
    try:
        tokens.verify_token(sfu.settings.secret, request.query.get("token", ""), room_id)
    except TokenError as exc:
        return _error(403, "forbidden", str(exc))
    session = sfu.liveness_for(room_id)
    if session is not None:
        return web.json_response(session.result())
    try:
        room = await asyncio.to_thread(rooms.get_room, sfu.settings.redis_client(), room_id)
    except RoomNotFound:
        return _error(404, "room_not_found", f"no room {room_id!r}")
    if room.kind != "identity":
        return _error(404, "not_identity_room", "this room has no identity check")
    # Imported here: only identity rooms need OpenCV and the decoders.
    from .liveness_check import waiting_result

    return web.json_response(waiting_result(room_id))


SHUTDOWN_SECONDS = 2.0
"""How long a stopping server waits for in-flight signaling requests before closing them."""

logger = logging.getLogger("video.server")


async def serve(settings: VideoSettings, advertise_url: str | None = None) -> None:
    """Serve until SIGTERM or SIGINT, registered in Redis as ``advertise_url`` (default: the
    address it listens on); then leave the registry and close every call promptly."""
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, shutdown_timeout=SHUTDOWN_SECONDS)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    url = advertise_url or f"http://{host}:{port}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await app[SFU_KEY].announce(url)
        logger.info("media server %s serving on %s", app[SFU_KEY].server_id, url)
        eventloop.freeze_start_up_heap()
        await stop.wait()
        logger.info("media server %s stopping", app[SFU_KEY].server_id)
    finally:
        await runner.cleanup()


def create_app(settings: VideoSettings) -> web.Application:
    """The aiohttp application of the media server."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SFU_KEY] = SFU(settings)
    app[LOOP_LAG_KEY] = LoopLag()
    app.router.add_post("/video/rooms/{room_id}/offer", offer_view)
    app.router.add_get("/video/rooms/{room_id}/liveness", liveness_view)
    app.router.add_get("/video/health", health_view)
    broadcast_whip.add_routes(app, settings)  # live broadcasts' WHIP ingest

    async def on_startup(app: web.Application) -> None:
        app[LOOP_LAG_KEY].start()

    async def on_shutdown(app: web.Application) -> None:
        app[LOOP_LAG_KEY].stop()
        await app[SFU_KEY].close()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    return app
