"""The media server: aiohttp signaling + one aiortc peer connection per participant.

HTTP: ``POST /video/rooms/<room_id>/offer`` with ``{"sdp", "type": "offer", "token"}``
answers ``{"sdp", "type": "answer"}`` (403 bad/expired token, 404 unknown room, 409 full
room, 400 malformed input). Everything after the first answer goes over the data channel
the client opens (label ``control``, JSON text messages; see ``docs/video.md``).

Media is forwarded, never decoded (see :mod:`video.forwarding`): each participant's
incoming audio/video becomes a :class:`~video.forwarding.Publisher`, and every other
participant gets a send-only transceiver whose :class:`~video.forwarding.ForwardTrack`
replays that publisher's encoded frames. When somebody joins, the server adds
transceivers to the others' connections and renegotiates with a server-initiated offer
over their data channel; when somebody leaves, their slots are detached and reused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field

from aiohttp import web
from aiortc import RTCPeerConnection, RTCSessionDescription

from . import forwarding, rooms, tokens
from .exceptions import BadRequest, RoomFull, RoomNotFound, TokenError
from .settings import VideoSettings

logger = logging.getLogger("video.server")

ROOM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ANSWER_TIMEOUT = 10.0
"""Seconds a client has to answer a server offer before the server gives up on it."""
MAX_CHAT_CHARS = 2000
KINDS = ("audio", "video")
REVIEWER_ROLES = frozenset({"official", "reviewer"})
"""Token roles of people who watch an identity check; their own video is never checked."""


class PeerLog(logging.LoggerAdapter):
    def process(self, msg, kwargs):
        return (
            f"[{self.extra['peer']} room={self.extra['room']} user={self.extra['user']}] {msg}",
            kwargs,
        )


@dataclass
class Slot:
    """One send-only transceiver on a subscriber's connection."""

    transceiver: object
    track: forwarding.ForwardTrack
    source: str | None = None  # user id whose media it carries, None when idle


@dataclass
class Participant:
    user_id: str
    role: str
    pc: RTCPeerConnection
    log: PeerLog
    peer_id: str
    channel: object = None
    publishers: dict = field(default_factory=dict)
    slots: list = field(default_factory=list)
    state: dict = field(
        default_factory=lambda: {"audio": True, "video": True, "screenshare": False}
    )
    negotiating: bool = False
    renegotiate_again: bool = False
    sdp_dirty: bool = False  # transceivers added since the last completed offer/answer
    answer_waiter: asyncio.Future | None = None
    closed: bool = False
    joined_at: float = field(default_factory=time.time)

    def send(self, message: dict) -> None:
        ch = self.channel
        if ch is not None and ch.readyState == "open":
            ch.send(json.dumps(message))

    def info(self) -> dict:
        return {"user": self.user_id, "role": self.role, **self.state}


@dataclass
class RoomState:
    room: rooms.Room
    participants: dict = field(default_factory=dict)  # user_id -> Participant
    screen_sharer: str | None = None
    liveness: object = None


class SFU:
    """Rooms and peers of one media-server process."""

    def __init__(self, settings: VideoSettings) -> None:
        forwarding.install()
        self.settings = settings
        self.rooms: dict[str, RoomState] = {}
        self.pcs: set[RTCPeerConnection] = set()
        self.finished_liveness: dict[str, tuple[int, object]] = {}  # room -> (expires_at, check)

    # ------------------------------------------------------------------ HTTP entry
    async def handle_offer(self, room_id: str, body: object) -> dict:
        if not ROOM_ID_RE.match(room_id):
            raise BadRequest("room id must be 1-64 characters of A-Z a-z 0-9 _ -")
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        sdp, typ, token = body.get("sdp"), body.get("type"), body.get("token")
        if typ != "offer":
            raise BadRequest('"type" must be "offer"')
        if not isinstance(sdp, str) or not sdp.strip().startswith("v=0"):
            raise BadRequest('"sdp" must be an SDP offer string')
        if not isinstance(token, str) or not token:
            raise BadRequest('"token" is required')
        if not re.search(r"^m=(audio|video|application) ", sdp, flags=re.M):
            raise BadRequest("the SDP offer has no media sections")
        claims = tokens.verify_token(self.settings.secret, token, room_id)
        room = await asyncio.to_thread(rooms.get_room, self.settings.redis_client(), room_id)
        state = self.rooms.get(room_id)
        if state is None:
            state = self.rooms[room_id] = RoomState(room)
        state.room = room
        user_id = claims["user"]
        previous = state.participants.get(user_id)
        if previous is None and len(state.participants) >= room.capacity:
            raise RoomFull(room_id)
        return await self._join(state, user_id, claims.get("role", "participant"), sdp, previous)

    async def _join(self, state: RoomState, user_id: str, role: str, sdp: str, previous) -> dict:
        peer_id = uuid.uuid4().hex[:8]
        pc = RTCPeerConnection(configuration=self.settings.rtc_configuration())
        log = PeerLog(logger, {"peer": peer_id, "room": state.room.room_id, "user": user_id})
        p = Participant(user_id=user_id, role=role, pc=pc, log=log, peer_id=peer_id)
        self.pcs.add(pc)

        # Fix the room codec on transceivers that will receive the client's media; this
        # must precede setRemoteDescription or aiortc ignores it for the answer.
        for kind in KINDS:
            for _ in range(len(re.findall(rf"^m={kind} ", sdp, flags=re.M))):
                t = pc.addTransceiver(kind, direction="recvonly")
                t.setCodecPreferences(forwarding.codec_preferences(kind, state.room.codec))

        @pc.on("track")
        def on_track(track):
            if track.kind in p.publishers:
                log.info("ignoring extra %s track", track.kind)
                return
            receiver = next(t.receiver for t in pc.getTransceivers() if t.receiver.track is track)
            forwarding.mark_passthrough(track, receiver)
            p.publishers[track.kind] = forwarding.Publisher(track, receiver)
            log.info("publishing %s", track.kind)
            if state.room.kind == "identity":
                self._start_liveness(state, p, track.kind)

        @pc.on("datachannel")
        def on_datachannel(channel):
            if channel.label != "control":
                return
            p.channel = channel

            @channel.on("message")
            def on_message(message):
                asyncio.ensure_future(self._on_message(state, p, message))

            p.send(
                {
                    "type": "welcome",
                    "peer": peer_id,
                    "user": user_id,
                    "room": state.room.room_id,
                    "kind": state.room.kind,
                    "codec": state.room.codec,
                    "participants": [o.info() for o in state.participants.values() if o is not p],
                }
            )
            asyncio.ensure_future(self.renegotiate(state, p))

        @pc.on("connectionstatechange")
        async def on_state():
            log.info("connection %s", pc.connectionState)
            if pc.connectionState in ("failed", "closed"):
                await self.leave(state, p)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            answer = await pc.createAnswer()
            await pc.setLocalDescription(answer)
        except Exception as exc:
            log.info("rejected offer: %s", exc)
            await self._close_pc(p)
            raise BadRequest(f"could not negotiate the offer: {exc}") from exc

        if previous is not None:
            log.info("replacing peer %s (reconnect / ICE restart)", previous.peer_id)
            previous.closed = True
            await self._close_pc(previous)
        state.participants[user_id] = p
        await asyncio.to_thread(
            rooms.set_present, self.settings.redis_client(), state.room.room_id, user_id, True
        )
        self._broadcast(state, {"type": "presence", "state": "joined", **p.info()}, exclude=p)
        for other in list(state.participants.values()):
            if other is not p:
                asyncio.ensure_future(self.renegotiate(state, other))
        log.info("joined (%d in room)", len(state.participants))
        return {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}

    # ------------------------------------------------------------------ forwarding
    def _wanted_sources(self, state: RoomState, p: Participant) -> dict:
        wanted = {}
        for other in state.participants.values():
            if other is p or other.closed:
                continue
            for kind, pub in other.publishers.items():
                wanted[(other.user_id, kind)] = pub
        return wanted

    async def renegotiate(self, state: RoomState, p: Participant) -> None:
        """Bring ``p``'s outgoing slots in line with the room; offer over the data channel."""
        if p.negotiating:
            p.renegotiate_again = True
            return
        p.negotiating = True
        try:
            while not p.closed:
                p.renegotiate_again = False
                if self._sync_slots(state, p):
                    p.sdp_dirty = True
                if p.channel is None or p.channel.readyState != "open":
                    break  # the welcome handler runs us again once the channel is up
                if p.sdp_dirty:
                    if p.pc.signalingState != "stable":
                        p.renegotiate_again = True
                    else:
                        offer = await p.pc.createOffer()
                        await p.pc.setLocalDescription(offer)
                        loop = asyncio.get_running_loop()
                        p.answer_waiter = loop.create_future()
                        sdp = forwarding.align_extmap_ids(
                            p.pc.localDescription.sdp, p.pc.remoteDescription.sdp
                        )
                        p.send({"type": "offer", "sdp": sdp, "tracks": self._track_map(p)})
                        try:
                            answer = await asyncio.wait_for(p.answer_waiter, ANSWER_TIMEOUT)
                            await p.pc.setRemoteDescription(
                                RTCSessionDescription(sdp=answer, type="answer")
                            )
                            forwarding.adopt_negotiated_codecs(p.pc)
                            p.sdp_dirty = False
                        except TimeoutError:
                            p.log.warning("no answer to server offer within %ss", ANSWER_TIMEOUT)
                            break
                        finally:
                            p.answer_waiter = None
                else:
                    p.send({"type": "tracks", "tracks": self._track_map(p)})
                if not p.renegotiate_again:
                    break
        except Exception:
            p.log.exception("renegotiation failed")
        finally:
            p.negotiating = False

    def _sync_slots(self, state: RoomState, p: Participant) -> bool:
        """Attach/detach/add slots; True if transceivers were added (SDP must change)."""
        wanted = self._wanted_sources(state, p)
        added = False
        for slot in p.slots:
            key = (slot.source, slot.track.kind)
            if slot.source is not None and key not in wanted:
                slot.track.detach()
                slot.source = None
        for (source, kind), pub in wanted.items():
            slot = next((s for s in p.slots if s.source == source and s.track.kind == kind), None)
            if slot is None:
                slot = next((s for s in p.slots if s.source is None and s.track.kind == kind), None)
            if slot is None:
                track = forwarding.ForwardTrack(kind)
                t = p.pc.addTransceiver(track, direction="sendonly")
                t.setCodecPreferences(forwarding.codec_preferences(kind, state.room.codec))
                forwarding.relay_keyframe_requests(t.sender)
                slot = Slot(t, track)
                p.slots.append(slot)
                added = True
            if slot.track.publisher is not pub:
                slot.track.attach(pub)
            slot.source = source
        return added

    @staticmethod
    def _track_map(p: Participant) -> dict:
        return {
            s.transceiver.mid: {"user": s.source, "kind": s.track.kind}
            for s in p.slots
            if s.transceiver.mid is not None and s.source is not None
        }

    # ------------------------------------------------------------------ data channel
    async def _on_message(self, state: RoomState, p: Participant, raw) -> None:
        try:
            msg = json.loads(raw)
            if not isinstance(msg, dict):
                raise ValueError
        except (ValueError, TypeError):
            p.send({"type": "error", "reason": "messages must be JSON objects"})
            return
        typ = msg.get("type")
        if typ == "answer":
            if (
                p.answer_waiter is not None
                and not p.answer_waiter.done()
                and isinstance(msg.get("sdp"), str)
            ):
                p.answer_waiter.set_result(msg["sdp"])
            else:
                p.send({"type": "error", "reason": "unexpected answer"})
        elif typ == "offer":
            await self._client_offer(state, p, msg)
        elif typ == "chat":
            text = str(msg.get("text", ""))[:MAX_CHAT_CHARS]
            if text.strip():
                self._broadcast(
                    state, {"type": "chat", "user": p.user_id, "text": text, "ts": time.time()}
                )
        elif typ == "mute":
            for kind in KINDS:
                if isinstance(msg.get(kind), bool):
                    p.state[kind] = msg[kind]
            self._broadcast(
                state,
                {
                    "type": "mute",
                    "user": p.user_id,
                    "audio": p.state["audio"],
                    "video": p.state["video"],
                },
                exclude=p,
            )
        elif typ == "screenshare":
            active = bool(msg.get("active"))
            previous = state.screen_sharer
            if active:
                if previous and previous != p.user_id and previous in state.participants:
                    state.participants[previous].state["screenshare"] = False
                state.screen_sharer = p.user_id
            elif previous == p.user_id:
                state.screen_sharer = None
            p.state["screenshare"] = active
            # Everyone (the previous sharer included) learns who shares now; a client
            # that was sharing stops when it sees someone else take over.
            self._broadcast(
                state,
                {"type": "screenshare", "user": p.user_id, "active": active, "previous": previous},
            )
        elif typ == "liveness":
            self._liveness_message(state, p, msg)
        elif typ == "ping":
            p.send({"type": "pong", "ts": msg.get("ts")})
        elif typ == "bye":
            await self.leave(state, p)
        else:
            p.send({"type": "error", "reason": f"unknown message type {typ!r}"})

    async def _client_offer(self, state: RoomState, p: Participant, msg: dict) -> None:
        if not isinstance(msg.get("sdp"), str):
            p.send({"type": "error", "reason": "offer without sdp"})
            return
        if p.negotiating or p.pc.signalingState != "stable":
            # The server is the impolite peer: the client retries after our offer settles.
            p.send({"type": "error", "reason": "glare", "retry": True})
            return
        p.negotiating = True
        try:
            await p.pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
            forwarding.adopt_negotiated_codecs(p.pc)
            answer = await p.pc.createAnswer()
            await p.pc.setLocalDescription(answer)
            p.send(
                {"type": "answer", "sdp": p.pc.localDescription.sdp, "tracks": self._track_map(p)}
            )
        except Exception as exc:
            p.send({"type": "error", "reason": f"offer rejected: {exc}"})
        finally:
            p.negotiating = False
        if p.renegotiate_again:
            await self.renegotiate(state, p)

    def _broadcast(
        self, state: RoomState, message: dict, exclude: Participant | None = None
    ) -> None:
        for other in list(state.participants.values()):
            if other is not exclude:
                other.send(message)

    # ------------------------------------------------------------------ identity rooms
    def _start_liveness(self, state: RoomState, p: Participant, kind: str) -> None:
        """Run the identity check on the person being verified (not on a reviewer).

        The subject is whoever publishes video first without a reviewer role. Their
        reconnect re-attaches the running check; a new video after a failed or interrupted
        check starts a new one; a passed check is kept.
        """
        from .liveness import LivenessSession

        if p.role in REVIEWER_ROLES:
            return
        current = state.liveness
        if current is not None and current.user_id != p.user_id:
            return
        if kind == "audio":
            if current is not None and not current.done:
                current.attach_audio(p.publishers["audio"])
            return
        if current is not None and not current.done:
            current.attach_video(p.publishers["video"])
            if "audio" in p.publishers:
                current.attach_audio(p.publishers["audio"])
            return
        if current is not None and current.result()["passed"]:
            return
        if current is not None:
            current.stop()
        self.finished_liveness.pop(state.room.room_id, None)
        state.liveness = LivenessSession(
            p.publishers["video"],
            state.room.codec,
            snapshot_dir=self.settings.snapshot_dir,
            room_id=state.room.room_id,
            on_update=lambda m: self._broadcast(state, {"type": "liveness", **m}),
            audio=p.publishers.get("audio"),
            user_id=p.user_id,
        )
        p.log.info("identity check started")

    def _liveness_message(self, state: RoomState, p: Participant, msg: dict) -> None:
        if state.liveness is None:
            p.send({"type": "error", "reason": "no identity check in this room"})
            return
        p.send({"type": "liveness", **state.liveness.result()})

    def liveness_for(self, room_id: str):
        """The check of a room, live or kept after everyone left (until the room expires)."""
        state = self.rooms.get(room_id)
        if state is not None and state.liveness is not None:
            return state.liveness
        kept = self.finished_liveness.get(room_id)
        if kept is not None:
            expires_at, session = kept
            if expires_at > time.time():
                return session
            del self.finished_liveness[room_id]
        return None

    # ------------------------------------------------------------------ teardown
    async def leave(self, state: RoomState, p: Participant) -> None:
        if state.participants.get(p.user_id) is p:
            del state.participants[p.user_id]
            p.closed = True
            if state.screen_sharer == p.user_id:
                state.screen_sharer = None
            try:
                await asyncio.to_thread(
                    rooms.set_present,
                    self.settings.redis_client(),
                    state.room.room_id,
                    p.user_id,
                    False,
                )
            except Exception:  # Redis hiccup must not block teardown
                p.log.warning("could not clear presence in Redis")
            self._broadcast(state, {"type": "presence", "state": "left", **p.info()})
            for other in list(state.participants.values()):
                asyncio.ensure_future(self.renegotiate(state, other))
            p.log.info("left (%d in room)", len(state.participants))
        p.closed = True
        await self._close_pc(p)
        if not state.participants and self.rooms.get(state.room.room_id) is state:
            if state.liveness is not None:
                state.liveness.stop()
                now = time.time()
                for rid, (expires_at, _) in list(self.finished_liveness.items()):
                    if expires_at <= now:
                        del self.finished_liveness[rid]
                self.finished_liveness[state.room.room_id] = (
                    state.room.expires_at,
                    state.liveness,
                )
            del self.rooms[state.room.room_id]

    async def _close_pc(self, p: Participant) -> None:
        for pub in p.publishers.values():
            pub.stop()
        for slot in p.slots:
            slot.track.detach()
        if p.answer_waiter is not None and not p.answer_waiter.done():
            p.answer_waiter.cancel()
        self.pcs.discard(p.pc)
        await p.pc.close()

    async def close(self) -> None:
        """Close every peer connection (on shutdown)."""
        participants = [
            (s, p) for s in list(self.rooms.values()) for p in list(s.participants.values())
        ]
        await asyncio.gather(*(self.leave(s, p) for s, p in participants), return_exceptions=True)
        await asyncio.gather(*(pc.close() for pc in list(self.pcs)), return_exceptions=True)
        self.pcs.clear()

    def status(self) -> dict:
        return {
            "rooms": len(self.rooms),
            "peers": len(self.pcs),
            "participants": sum(len(s.participants) for s in self.rooms.values()),
            **forwarding.stats,
        }


# ---------------------------------------------------------------------- aiohttp app
SFU_KEY = web.AppKey("sfu", SFU)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def offer_view(request: web.Request) -> web.Response:
    sfu = request.app[SFU_KEY]
    room_id = request.match_info["room_id"]
    try:
        body = await request.json(loads=json.loads)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "bad_request", "body must be JSON")
    try:
        answer = await sfu.handle_offer(room_id, body)
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
    return web.json_response({"ok": True, **request.app[SFU_KEY].status()})


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
    from .liveness import waiting_result

    return web.json_response(waiting_result(room_id))


def create_app(settings: VideoSettings) -> web.Application:
    """The aiohttp application of the media server."""
    app = web.Application(client_max_size=256 * 1024)
    app[SFU_KEY] = SFU(settings)
    app.router.add_post("/video/rooms/{room_id}/offer", offer_view)
    app.router.add_get("/video/rooms/{room_id}/liveness", liveness_view)
    app.router.add_get("/video/health", health_view)

    async def on_shutdown(app: web.Application) -> None:
        await app[SFU_KEY].close()

    app.on_shutdown.append(on_shutdown)
    return app


# ---------------------------------------------------------------------- embedded mode
class ServerHandle:
    """A media server running in a background thread; see :func:`start_in_thread`."""

    def __init__(self, settings: VideoSettings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.app = create_app(settings)
        self.runner = web.AppRunner(self.app)
        self.port: int | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="yunpin-video", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    @property
    def sfu(self) -> SFU:
        return self.app[SFU_KEY]

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    async def _start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.host, self.settings.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def start(self, timeout: float = 10.0) -> ServerHandle:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("video server did not start in time")
        if self._error is not None:
            raise RuntimeError(f"video server failed to start: {self._error}") from self._error
        return self

    def call(self, coro, timeout: float = 10.0):
        """Run a coroutine on the server loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)


def start_in_thread(settings: VideoSettings) -> ServerHandle:
    """Run the media server in a daemon thread with its own loop (``port=0`` picks a free one).

    ``handle.url`` is where the Flask app proxies offers; ``handle.stop()`` closes every
    peer connection and the listening socket.
    """
    return ServerHandle(settings).start()
