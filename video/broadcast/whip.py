"""WHIP ingest (RFC 9725) on the media server.

- ``POST /video/broadcasts/<id>/whip`` with ``Content-Type: application/sdp`` and
  ``Authorization: Bearer <publisher token>``: ``201 Created``, the SDP answer
  (``application/sdp``) and ``Location: /video/broadcasts/<id>/whip/<session>``. A new
  session replaces the broadcast's previous one on this server (a publisher reconnecting).
- ``DELETE`` of that location (same bearer token): ``200``, the broadcast's playlists end.
- ``PATCH`` (trickle ICE) answers 405: aiortc gathers every candidate before it answers, so
  the answer already carries them (RFC 9725 4.3.1 lets an endpoint not support trickle).

Errors: 400 an offer that cannot be negotiated (:func:`video.sdp.check_offer`: no audio or
video section, no DTLS fingerprint, no ICE credentials), 401 missing/bad token (with
``WWW-Authenticate: Bearer``), 404 unknown session, 413 body over 256 kB or SDP over 64 kB,
415 wrong content type, as ``text/plain``. Which codec: H.264 when the offer has it
(no transcode at all), otherwise VP8, transcoded once (:mod:`.packager`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription

from .. import forwarding
from ..exceptions import BadRequest, TokenError, TooLarge
from ..sdp import check_offer
from ..settings import VideoSettings
from . import tokens
from .packager import Packager

logger = logging.getLogger("video.broadcast")

BROADCAST_ID_RE = re.compile(r"^[0-9]{1,12}$")


@dataclass
class Session:
    session_id: str
    broadcast_id: str
    pc: RTCPeerConnection
    packager: Packager
    watchdog: asyncio.Task | None = None


class Broadcasts:
    """The publishing sessions of one media server, by broadcast id."""

    def __init__(self, settings: VideoSettings) -> None:
        self.settings = settings
        self.sessions: dict[str, Session] = {}

    def folder(self, storage_key: str) -> Path:
        if not self.settings.broadcast_dir:
            raise web.HTTPServiceUnavailable(text="this media server has no broadcast folder")
        return Path(self.settings.broadcast_dir) / storage_key

    async def publish(self, broadcast_id: str, storage_key: str, sdp: str) -> Session:
        folder = self.folder(storage_key)
        previous = self.sessions.pop(broadcast_id, None)
        if previous is not None:
            await self._close(previous)
        pc = RTCPeerConnection(configuration=self.settings.rtc_configuration())
        kinds = re.findall(r"^m=(audio|video) ", sdp, flags=re.M)
        for kind in kinds:
            transceiver = pc.addTransceiver(kind, direction="recvonly")
            transceiver.setCodecPreferences(_preferences(kind))
        session = Session(secrets.token_urlsafe(12), broadcast_id, pc, None)
        receivers: list[RTCRtpReceiver] = []

        def request_keyframe() -> None:
            for receiver in receivers:
                if receiver.track is not None and receiver.track.kind == "video":
                    forwarding.request_pli(receiver)

        session.packager = Packager(
            folder,
            has_video="video" in kinds,
            has_audio="audio" in kinds,
            request_keyframe=request_keyframe,
        )

        @pc.on("track")
        def on_track(track):
            transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
            receivers.append(transceiver.receiver)
            codec = transceiver._codecs[0].mimeType.lower() if transceiver._codecs else ""
            passthrough = codec == "video/h264"
            if passthrough:
                forwarding.mark_passthrough(track, transceiver.receiver)
            session.packager.add_track(track, passthrough=passthrough)
            logger.info("broadcast %s: receiving %s (%s)", broadcast_id, track.kind, codec)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                if self.sessions.get(broadcast_id) is session:
                    del self.sessions[broadcast_id]
                await self._close(session)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await self._close(session)
            raise web.HTTPBadRequest(text=f"could not negotiate the offer: {exc}") from exc
        self.sessions[broadcast_id] = session
        session.watchdog = asyncio.ensure_future(self._watch(session))
        return session

    async def _watch(self, session: Session) -> None:
        """Close the session once its publisher has sent no media for the stale period: a
        publisher that vanished (browser closed, network gone) without the WHIP DELETE would
        otherwise hold the broadcast live until ICE consent fails, or for ever if its peer
        connection stays up without media. Closing ends the playlists, as a DELETE does."""
        stale = self.settings.broadcast_stale_seconds
        while True:
            await asyncio.sleep(min(stale / 4, 5.0))
            if time.monotonic() - session.packager.last_media > stale:
                break
        logger.info("broadcast %s: no media for %s s, closing", session.broadcast_id, stale)
        if self.sessions.get(session.broadcast_id) is session:
            del self.sessions[session.broadcast_id]
        await self._close(session)

    async def end(self, broadcast_id: str, session_id: str) -> None:
        session = self.sessions.get(broadcast_id)
        if session is None or session.session_id != session_id:
            raise web.HTTPNotFound(text="no such WHIP session")
        del self.sessions[broadcast_id]
        await self._close(session)

    async def _close(self, session: Session) -> None:
        if session.watchdog is not None and session.watchdog is not asyncio.current_task():
            session.watchdog.cancel()
        await session.pc.close()
        if session.packager is not None and session.packager.thread.is_alive():
            await session.packager.stop()

    async def close(self) -> None:
        await asyncio.gather(*(self._close(s) for s in list(self.sessions.values())))
        self.sessions.clear()

    def status(self) -> dict:
        return {"broadcasts": len(self.sessions)}


def _preferences(kind: str) -> list:
    if kind == "audio":
        return forwarding.codec_preferences("audio")
    h264 = forwarding.codec_preferences("video", "H264")
    vp8 = [c for c in forwarding.codec_preferences("video", "VP8") if c.mimeType != "video/rtx"]
    return (
        [c for c in h264 if c.mimeType != "video/rtx"]
        + vp8
        + [c for c in h264 if c.mimeType == "video/rtx"]
    )


BROADCASTS_KEY = web.AppKey("broadcasts", Broadcasts)


def _text(status: int, message: str, **headers: str) -> web.Response:
    return web.Response(status=status, text=message, headers=headers)


def _storage_key(request: web.Request) -> str | web.Response:
    """The storage key of the request's bearer token, or the 401 to answer."""
    broadcasts = request.app[BROADCASTS_KEY]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise TokenError("no bearer token")
        return tokens.verify(broadcasts.settings.secret, token.strip(), request.match_info["id"])
    except TokenError as exc:
        return _text(401, str(exc), **{"WWW-Authenticate": 'Bearer realm="whip"'})


async def publish_view(request: web.Request) -> web.Response:
    broadcast_id = request.match_info["id"]
    if not BROADCAST_ID_RE.match(broadcast_id):
        return _text(404, "no such broadcast")
    if request.content_type != "application/sdp":
        return _text(415, "the offer must be application/sdp")
    key = _storage_key(request)
    if isinstance(key, web.Response):
        return key
    sdp = (await request.read()).decode("utf-8", "replace")
    try:
        # Before anything starts: the app makes the broadcast live on our 201.
        check_offer(sdp, ("audio", "video"))
    except TooLarge as exc:
        return _text(413, str(exc))
    except BadRequest as exc:
        return _text(400, str(exc))
    session = await request.app[BROADCASTS_KEY].publish(broadcast_id, key, sdp)
    location = f"/video/broadcasts/{broadcast_id}/whip/{session.session_id}"
    return web.Response(
        status=201,
        text=session.pc.localDescription.sdp,
        content_type="application/sdp",
        headers={"Location": location, "ETag": f'"{session.session_id}"'},
    )


async def end_view(request: web.Request) -> web.Response:
    key = _storage_key(request)
    if isinstance(key, web.Response):
        return key
    await request.app[BROADCASTS_KEY].end(request.match_info["id"], request.match_info["session"])
    return _text(200, "ended")


def add_routes(app: web.Application, settings: VideoSettings) -> None:
    """Register the WHIP routes and close every session when the server stops."""
    app[BROADCASTS_KEY] = Broadcasts(settings)
    app.router.add_post("/video/broadcasts/{id}/whip", publish_view)
    app.router.add_delete("/video/broadcasts/{id}/whip/{session}", end_view)

    async def close_sessions(app: web.Application) -> None:
        await app[BROADCASTS_KEY].close()

    app.on_shutdown.append(close_sessions)
