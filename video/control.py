"""The ``control`` data channel: the JSON messages a participant sends after the first answer,
and what the server does and says in reply (see ``docs/video.md`` for the message list).

Renegotiation runs both ways here: the server's offers come from
:meth:`video.sfu.SFU.renegotiate` and the client's ``answer`` resolves the wait; a client's
own ``offer`` (e.g. to add a screen track) is answered by :func:`client_offer`.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from aiortc import RTCSessionDescription

from . import forwarding

if TYPE_CHECKING:
    from .sfu import SFU, Participant, RoomState

MAX_CHAT_CHARS = 2000
MEDIA_KINDS = ("audio", "video")


def broadcast(state: RoomState, message: dict, exclude: Participant | None = None) -> None:
    """Send ``message`` to everyone in the room except ``exclude``."""
    for other in list(state.participants.values()):
        if other is not exclude:
            other.send(message)


def welcome(state: RoomState, participant: Participant) -> dict:
    """The first message on a new channel: who you are, the room, who else is in it."""
    return {
        "type": "welcome",
        "peer": participant.peer_id,
        "user": participant.user_id,
        "room": state.room.room_id,
        "kind": state.room.kind,
        "codec": state.room.codec,
        "participants": [
            other.info() for other in state.participants.values() if other is not participant
        ],
    }


def track_map(participant: Participant) -> dict:
    """Which room member and kind each of the participant's incoming transceivers carries."""
    return {
        slot.transceiver.mid: {"user": slot.source, "kind": slot.track.kind}
        for slot in participant.slots
        if slot.transceiver.mid is not None and slot.source is not None
    }


async def handle_message(sfu: SFU, state: RoomState, participant: Participant, raw) -> None:
    """One message from ``participant``; anything malformed gets an ``error`` reply."""
    try:
        message = json.loads(raw)
        if not isinstance(message, dict):
            raise ValueError
    except (ValueError, TypeError):
        participant.send({"type": "error", "reason": "messages must be JSON objects"})
        return
    kind = message.get("type")
    if kind == "answer":
        answer(participant, message)
    elif kind == "offer":
        await client_offer(sfu, state, participant, message)
    elif kind == "chat":
        chat(state, participant, message)
    elif kind == "mute":
        mute(state, participant, message)
    elif kind == "screenshare":
        screenshare(state, participant, message)
    elif kind == "liveness":
        liveness(state, participant)
    elif kind == "ping":
        participant.send({"type": "pong", "ts": message.get("ts")})
    elif kind == "bye":
        await sfu.leave(state, participant)
    else:
        participant.send({"type": "error", "reason": f"unknown message type {kind!r}"})


def answer(participant: Participant, message: dict) -> None:
    """The client's answer to the server offer :meth:`SFU.renegotiate` is waiting on."""
    waiter = participant.answer_waiter
    if waiter is not None and not waiter.done() and isinstance(message.get("sdp"), str):
        waiter.set_result(message["sdp"])
    else:
        participant.send({"type": "error", "reason": "unexpected answer"})


async def client_offer(sfu: SFU, state: RoomState, participant: Participant, message: dict) -> None:
    if not isinstance(message.get("sdp"), str):
        participant.send({"type": "error", "reason": "offer without sdp"})
        return
    pc = participant.pc
    if participant.negotiating or pc.signalingState != "stable":
        # The server is the impolite peer: the client retries after our offer settles.
        participant.send({"type": "error", "reason": "glare", "retry": True})
        return
    participant.negotiating = True
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=message["sdp"], type="offer"))
        forwarding.adopt_negotiated_codecs(pc)
        await pc.setLocalDescription(await pc.createAnswer())
        participant.send(
            {"type": "answer", "sdp": pc.localDescription.sdp, "tracks": track_map(participant)}
        )
    except Exception as exc:
        participant.send({"type": "error", "reason": f"offer rejected: {exc}"})
    finally:
        participant.negotiating = False
    if participant.renegotiate_again:
        await sfu.renegotiate(state, participant)


def chat(state: RoomState, participant: Participant, message: dict) -> None:
    text = str(message.get("text", ""))[:MAX_CHAT_CHARS]
    if text.strip():
        broadcast(
            state, {"type": "chat", "user": participant.user_id, "text": text, "ts": time.time()}
        )


def mute(state: RoomState, participant: Participant, message: dict) -> None:
    for kind in MEDIA_KINDS:
        if isinstance(message.get(kind), bool):
            participant.state[kind] = message[kind]
    broadcast(
        state,
        {
            "type": "mute",
            "user": participant.user_id,
            "audio": participant.state["audio"],
            "video": participant.state["video"],
        },
        exclude=participant,
    )


def screenshare(state: RoomState, participant: Participant, message: dict) -> None:
    """One sharer per room: starting to share takes over from whoever shared before."""
    active = bool(message.get("active"))
    previous = state.screen_sharer
    if active:
        if previous and previous != participant.user_id and previous in state.participants:
            state.participants[previous].state["screenshare"] = False
        state.screen_sharer = participant.user_id
    elif previous == participant.user_id:
        state.screen_sharer = None
    participant.state["screenshare"] = active
    # Everyone (the previous sharer included) learns who shares now; a client
    # that was sharing stops when it sees someone else take over.
    broadcast(
        state,
        {
            "type": "screenshare",
            "user": participant.user_id,
            "active": active,
            "previous": previous,
        },
    )


def liveness(state: RoomState, participant: Participant) -> None:
    """The identity check's current result, on request (updates are also pushed)."""
    if state.liveness is None:
        participant.send({"type": "error", "reason": "no identity check in this room"})
        return
    participant.send({"type": "liveness", **state.liveness.result()})
