"""The selective forwarding unit: rooms of participants, one aiortc peer connection each, and
the wiring that forwards every participant's media to every other one.

Media is forwarded, never decoded (see :mod:`video.forwarding`): each participant's
incoming audio/video becomes a :class:`~video.forwarding.Publisher`, and every other
participant gets a send-only transceiver (a :class:`Slot`) whose
:class:`~video.forwarding.ForwardTrack` carries that publisher's RTP packets. When
somebody joins, the server adds transceivers to the others' connections and renegotiates
with a server-initiated offer over their ``control`` data channel (:mod:`video.control`);
when somebody leaves, their slots are detached and reused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import redis as redis_lib
from aiortc import RTCPeerConnection, RTCSessionDescription

from . import consent, control, forwarding, join_timing, registry, rooms, tokens
from .exceptions import BadRequest, RoomFull
from .identity_room import IdentityChecks
from .sdp import check_offer
from .settings import VideoSettings

# The media server's log, under the name it has always had (log filters use it).
logger = logging.getLogger("video.server")

ANSWER_TIMEOUT = 30.0
"""Seconds a client has to answer a server offer. A late answer is still used (a loaded
machine took over 10 s during a 20-room join burst); past this the client counts as gone and
its connection is closed, because aiortc cannot roll the offer back and the participant would
otherwise never be offered anyone again. Its client reconnects with a fresh offer."""


ROOM_WATCH_SECONDS = 1.0
"""How often a server looks for its rooms the app closed and the people whose access it
revoked (see :meth:`SFU.watch_rooms`)."""

CLOSED_NOTICE_SECONDS = 0.5
"""Between telling people why they are hung up on and hanging up: the message leaves first."""

RECEIVING_SERVER_DIRECTION = {"sendrecv": "sendrecv", "recvonly": "sendonly"}
"""The server's direction on a media section the client offered to receive on."""

_MEDIA_LINE_RE = re.compile(r"^m=(\w+) ", re.M)
_DIRECTION_RE = re.compile(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", re.M)


def media_directions(sdp: str) -> list[tuple[str, str]]:
    """``(kind, direction)`` of each media section of ``sdp``, in order (RFC 4566: a section
    without a direction attribute is ``sendrecv``)."""
    starts = [m.start() for m in _MEDIA_LINE_RE.finditer(sdp)] + [len(sdp)]
    out = []
    for begin, end in zip(starts[:-1], starts[1:], strict=True):
        section = sdp[begin:end]
        direction = _DIRECTION_RE.search(section)
        out.append(
            (
                _MEDIA_LINE_RE.match(section).group(1),
                direction.group(1) if direction else "sendrecv",
            )
        )
    return out


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
    access_checked_at: float = field(default_factory=time.time)
    """When the offer's lease was read: access revoked after it hangs this connection up."""

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
        consent.install()  # a participant who answers ICE consent checks late keeps the call
        self.settings = settings
        self.rooms: dict[str, RoomState] = {}
        self.pcs: set[RTCPeerConnection] = set()
        self.identity = IdentityChecks(settings.snapshot_dir)
        self.server_id = registry.new_server_id()
        self.heartbeat: registry.Heartbeat | None = None
        # Presence and placement writes go to Redis off the event loop, one at a time in the
        # order they were made (a quick leave-and-rejoin must not end "absent"), and the
        # answer to an offer does not wait for them: on a busy machine every thread hop a
        # join awaits costs it a turn of a crowded event loop.
        self._redis_writes = ThreadPoolExecutor(1, thread_name_prefix="video-redis")
        self._watcher: asyncio.Task | None = None

    def _write_later(self, write, *args) -> asyncio.Future:
        """Queue ``write(redis, *args)``; failures are logged, never raised (a Redis hiccup
        must not break a call or its teardown)."""

        def run() -> None:
            try:
                write(self.settings.redis_client(), *args)
            except Exception:
                logger.warning("Redis write %s%s failed", write.__name__, args, exc_info=True)

        return asyncio.get_running_loop().run_in_executor(self._redis_writes, run)

    async def announce(self, url: str) -> None:
        """Register this server at ``url`` in Redis and keep it there (see :mod:`video.registry`)."""
        self.heartbeat = registry.Heartbeat(
            self.settings.redis_client(), self.server_id, url, self.status
        )
        await self.heartbeat.start()

    # ------------------------------------------------------------------ joining
    async def handle_offer(self, room_id: str, body: object) -> dict:
        """Admit the token's user to the room with their SDP offer; returns the answer."""
        received_at = time.monotonic()
        if not rooms.ROOM_ID_RE.match(room_id):
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
        claims = tokens.verify_token(self.settings.secret, token, room_id)
        user_id = claims["user"]
        access_checked_at = time.time()
        room = await asyncio.to_thread(
            rooms.room_for, self.settings.redis_client(), room_id, user_id
        )
        # Before any state: aiortc would answer an offer it cannot carry through.
        check_offer(sdp, (*control.MEDIA_KINDS, "application"))
        state = self.rooms.get(room_id)
        if state is None:
            state = self.rooms[room_id] = RoomState(room)
            self._write_later(registry.room_active, self.server_id, room_id)
            self._watch_rooms()
        state.room = room
        previous = state.participants.get(user_id)
        if previous is None and len(state.participants) >= room.capacity:
            raise RoomFull(room_id)
        role = claims.get("role", "participant")
        answer = await self._join(state, user_id, role, sdp, previous, access_checked_at)
        join_timing.record("answer", time.monotonic() - received_at)
        return answer

    async def _join(
        self,
        state: RoomState,
        user_id: str,
        role: str,
        sdp: str,
        previous,
        access_checked_at: float,
    ) -> dict:
        peer_id = uuid.uuid4().hex[:8]
        pc = RTCPeerConnection(configuration=self.settings.rtc_configuration())
        log = PeerLog(logger, {"peer": peer_id, "room": state.room.room_id, "user": user_id})
        p = Participant(
            user_id=user_id,
            role=role,
            pc=pc,
            log=log,
            peer_id=peer_id,
            access_checked_at=access_checked_at,
        )
        self.pcs.add(pc)

        # One transceiver per offered media section, in order (aiortc pairs each section with
        # the first unpaired transceiver of its kind). The room codec is fixed here: after
        # setRemoteDescription aiortc ignores the preference for the answer. A section the
        # client also receives on (addTrack makes sendrecv ones, as room.js does) becomes
        # this participant's first slot of that kind: the others' media flows on it as soon
        # as DTLS is up, without waiting for the data channel and a server offer.
        for kind, direction in media_directions(sdp):
            if kind not in control.MEDIA_KINDS:
                continue
            if direction in ("sendrecv", "recvonly"):
                track = forwarding.ForwardTrack(kind)
                t = pc.addTransceiver(track, direction=RECEIVING_SERVER_DIRECTION[direction])
                track.bind(t.sender)
                p.slots.append(Slot(t, track))
            else:
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
                self.identity.published(state, p, track.kind)

        @pc.on("datachannel")
        def on_datachannel(channel):
            if channel.label != "control":
                return
            p.channel = channel

            @channel.on("message")
            def on_message(message):
                asyncio.ensure_future(control.handle_message(self, state, p, message))

            p.send(control.welcome(state, p))
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
        # Subscribe now, not when the data channel opens: the sources get their keyframe
        # request at once, and slots that need no SDP change start forwarding with DTLS.
        if self._sync_slots(state, p):
            p.sdp_dirty = True
        self._write_later(rooms.set_present, state.room.room_id, user_id, True)
        control.broadcast(state, {"type": "presence", "state": "joined", **p.info()}, exclude=p)
        for other in list(state.participants.values()):
            if other is not p:
                asyncio.ensure_future(self.renegotiate(state, other))
        log.info("joined (%d in room)", len(state.participants))
        answered_at = time.monotonic()
        for slot in p.slots:
            slot.track.answered_at = answered_at
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
                        p.send({"type": "offer", "sdp": sdp, "tracks": control.track_map(p)})
                        try:
                            answer = await asyncio.wait_for(p.answer_waiter, ANSWER_TIMEOUT)
                            await p.pc.setRemoteDescription(
                                RTCSessionDescription(sdp=answer, type="answer")
                            )
                            forwarding.adopt_negotiated_codecs(p.pc)
                            p.sdp_dirty = False
                        except TimeoutError:
                            p.log.warning("no answer to server offer within %ss", ANSWER_TIMEOUT)
                            asyncio.ensure_future(self.leave(state, p))
                            break
                        finally:
                            p.answer_waiter = None
                else:
                    p.send({"type": "tracks", "tracks": control.track_map(p)})
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
                track.bind(t.sender)
                slot = Slot(t, track)
                p.slots.append(slot)
                added = True
            if slot.track.publisher is not pub:
                slot.track.attach(pub)
            slot.source = source
        return added

    # ------------------------------------------------------------------ identity rooms
    def liveness_for(self, room_id: str):
        """The check of a room, live or kept after everyone left (until the room expires)."""
        return self.identity.for_room(self.rooms.get(room_id), room_id)

    # ------------------------------------------------------------------ closing rooms, revoking
    def _watch_rooms(self) -> None:
        """Start :meth:`watch_rooms` unless it runs (from the first room on: a server that
        never holds one need not read Redis)."""
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.ensure_future(self.watch_rooms())

    async def watch_rooms(self) -> None:
        """Every :data:`ROOM_WATCH_SECONDS`, close the rooms the app deleted (interview ended,
        cancelled, moved) or that expired, and hang up on the people whose access the app
        revoked (removed from the employer, account erased). The app cannot reach the server
        holding a room (nor does it know which, once the room is gone), but every server reads
        the same Redis: polling it is one pipelined round trip, and a poll missed in a Redis
        hiccup is made up by the next, where a pub/sub message would be lost."""
        while True:
            await asyncio.sleep(ROOM_WATCH_SECONDS)
            if not self.rooms:
                continue
            try:
                endings = await asyncio.to_thread(
                    rooms.endings, self.settings.redis_client(), list(self.rooms)
                )
            except redis_lib.RedisError as error:
                logger.warning("cannot check which rooms are closed: %s", error)
                continue
            closing = [
                self.close_room(self.rooms[room_id], reason)
                for room_id, reason in endings.closed.items()
                if room_id in self.rooms
            ]
            revoking = [
                self.revoke(state, p, revocation.reason)
                for state, p, revocation in self._revoked(endings.revoked)
            ]
            await asyncio.gather(*closing, *revoking)

    def _revoked(self, revoked: dict):
        """``(room, participant, revocation)`` of everyone in ``revoked`` (room id → user →
        :class:`~video.rooms.Revocation`) still connected on a lease read before it."""
        for room_id, people in revoked.items():
            state = self.rooms.get(room_id)
            for user_id, revocation in people.items():
                p = state.participants.get(user_id) if state is not None else None
                if p is not None and not p.closed and p.access_checked_at <= revocation.at:
                    yield state, p, revocation

    async def close_room(self, state: RoomState, reason: str) -> None:
        """Tell everyone in the room that it closed and why (``closed`` on the data channel:
        their page says so instead of reconnecting to a room that is gone), then hang up."""
        logger.info(
            "room %s closed (%s): %d leave", state.room.room_id, reason, len(state.participants)
        )
        await self.hang_up(state, list(state.participants.values()), reason)
        if self.rooms.get(state.room.room_id) is state:
            del self.rooms[state.room.room_id]

    async def revoke(self, state: RoomState, p: Participant, reason: str) -> None:
        """Hang up on one participant whose access the app revoked; the others stay."""
        p.log.info("access revoked (%s): hanging up", reason)
        await self.hang_up(state, [p], reason)

    async def hang_up(self, state: RoomState, people: list[Participant], reason: str) -> None:
        """Tell ``people`` why (``closed {reason}``: their page says so and does not re-join),
        then close their connections; whoever else is in the room sees them leave."""
        for p in people:
            p.send({"type": "closed", "reason": reason})
        # The message is queued on SCTP; closing the connection at once would drop it.
        await asyncio.sleep(CLOSED_NOTICE_SECONDS)
        await asyncio.gather(*(self.leave(state, p) for p in people), return_exceptions=True)

    # ------------------------------------------------------------------ teardown
    async def leave(self, state: RoomState, p: Participant) -> None:
        if state.participants.get(p.user_id) is p:
            del state.participants[p.user_id]
            p.closed = True
            if state.screen_sharer == p.user_id:
                state.screen_sharer = None
            await self._write_later(rooms.set_present, state.room.room_id, p.user_id, False)
            control.broadcast(state, {"type": "presence", "state": "left", **p.info()})
            for other in list(state.participants.values()):
                asyncio.ensure_future(self.renegotiate(state, other))
            p.log.info("left (%d in room)", len(state.participants))
        p.closed = True
        await self._close_pc(p)
        if not state.participants and self.rooms.get(state.room.room_id) is state:
            self.identity.room_emptied(state)
            del self.rooms[state.room.room_id]
            await self._write_later(registry.room_closed, self.server_id, state.room.room_id)

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
        """Leave the registry, then close every peer connection (on shutdown): the clients
        reconnect, and their offers place the rooms on another server."""
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        if self._watcher is not None:
            self._watcher.cancel()
        participants = [
            (s, p) for s in list(self.rooms.values()) for p in list(s.participants.values())
        ]
        await asyncio.gather(*(self.leave(s, p) for s, p in participants), return_exceptions=True)
        await asyncio.gather(*(pc.close() for pc in list(self.pcs)), return_exceptions=True)
        self.pcs.clear()
        await self._write_later(lambda _redis: None)  # everything queued is written
        self._redis_writes.shutdown(wait=False)

    def status(self) -> dict:
        return {
            "server_id": self.server_id,
            "rooms": len(self.rooms),
            "peers": len(self.pcs),
            "participants": sum(len(s.participants) for s in self.rooms.values()),
            **forwarding.stats,
        }
