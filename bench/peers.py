"""Synthetic aiortc client peers for tests and the benchmark (not used by the server).

:class:`ClientPeer` speaks the same protocol as ``app/static/js/room.js``: POST the offer,
then answer server offers on the ``control`` data channel. Sources are either real
(:class:`SyntheticVideoTrack`, encoded by aiortc) or pre-encoded
(:class:`ReplayVideoTrack` / :class:`ReplayAudioTrack`: encode once, send the same packets
forever, so a benchmark measures the server and not the client's encoder).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import logging
import math
import time

import aiohttp
import av
import numpy as np
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, VideoStreamTrack

from video import forwarding

VIDEO_CLOCK = 90000
KEYFRAME_MIN_INTERVAL = 0.0
"""Seconds between two keyframes a replay peer sends on request (0: answer every PLI)."""
logger = logging.getLogger(__name__)


def synthetic_picture(n: int, width: int, height: int) -> np.ndarray:
    """A moving colour gradient with a bouncing square (BGR)."""
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[..., 0] = ((x + n * 4) % 256).astype(np.uint8)
    img[..., 1] = ((y + n * 2) % 256).astype(np.uint8)
    img[..., 2] = 128
    s = max(8, width // 8)
    cx = int((width - s) * (0.5 + 0.5 * math.sin(n / 15)))
    cy = int((height - s) * (0.5 + 0.5 * math.cos(n / 20)))
    img[cy : cy + s, cx : cx + s] = 255
    return img


class SyntheticVideoTrack(VideoStreamTrack):
    """Raw frames that aiortc encodes itself (real encoder on the client)."""

    def __init__(self, width: int = 320, height: int = 240) -> None:
        super().__init__()
        self.width, self.height, self.n = width, height, 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame.from_ndarray(
            synthetic_picture(self.n, self.width, self.height), format="bgr24"
        )
        frame.pts, frame.time_base = pts, time_base
        self.n += 1
        return frame


def encode_vp8(
    frames: int = 60, width: int = 640, height: int = 480, fps: int = 30, bitrate: int = 900_000
) -> list[bytes]:
    """Encode ``frames`` synthetic pictures once: a keyframe then delta frames."""
    ctx = av.CodecContext.create("libvpx", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
    ctx.bit_rate = bitrate
    ctx.time_base = fractions.Fraction(1, fps)
    ctx.framerate = fractions.Fraction(fps, 1)
    ctx.gop_size = 100000
    ctx.options = {
        "deadline": "realtime",
        "cpu-used": "8",
        "lag-in-frames": "0",
        "error-resilient": "1",
    }
    out: list[bytes] = []
    for i in range(frames):
        frame = av.VideoFrame.from_ndarray(
            synthetic_picture(i, width, height), format="bgr24"
        ).reformat(format="yuv420p")
        frame.pts = i
        out.extend(bytes(p) for p in ctx.encode(frame))
    out.extend(bytes(p) for p in ctx.encode(None))
    return out


def encode_opus(packets: int = 50) -> list[bytes]:
    """Encode ``packets`` 20 ms Opus packets of a 440 Hz tone once."""
    ctx = av.CodecContext.create("libopus", "w")
    ctx.sample_rate, ctx.layout, ctx.format = 48000, "stereo", "s16"
    ctx.bit_rate = 32000
    out: list[bytes] = []
    t = np.arange(960 * packets) / 48000
    pcm = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    for i in range(packets):
        chunk = np.repeat(pcm[i * 960 : (i + 1) * 960][None, :], 2, axis=0).T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(chunk), format="s16", layout="stereo"
        )
        frame.sample_rate, frame.pts = 48000, i * 960
        out.extend(bytes(p) for p in ctx.encode(frame))
    return out


class _ReplayTrack(MediaStreamTrack):
    """Replays pre-encoded packets in real time; ``keyframe()`` restarts at packet 0."""

    def __init__(self, packets: list[bytes], interval: float, clock: int, step: int) -> None:
        super().__init__()
        self.packets, self.interval, self.step = packets, interval, step
        self.time_base = fractions.Fraction(1, clock)
        self.i = 0
        self.n = 0
        self.start: float | None = None
        self._restart = False
        self._last_keyframe = 0.0

    def keyframe(self) -> None:
        # Like a real encoder, honour at most one keyframe request per second: answering
        # every PLI with a 30 kB keyframe turns a loss burst into a congestion collapse.
        now = time.monotonic()
        if now - self._last_keyframe >= KEYFRAME_MIN_INTERVAL:
            self._last_keyframe = now
            self._restart = True

    async def recv(self) -> av.Packet:
        if self.readyState != "live":
            raise MediaStreamError
        if self.start is None:
            self.start = time.monotonic()
        wait = self.start + self.n * self.interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if self._restart:
            self._restart, self.i = False, 0
        packet = av.Packet(self.packets[self.i])
        packet.pts = self.n * self.step
        packet.time_base = self.time_base
        self.n += 1
        self.i += 1
        if self.i >= len(self.packets):
            self.i = 1  # loop over the delta frames; receivers here never decode
        return packet


class ReplayVideoTrack(_ReplayTrack):
    kind = "video"

    def __init__(self, packets: list[bytes], fps: int = 30) -> None:
        super().__init__(packets, 1 / fps, VIDEO_CLOCK, VIDEO_CLOCK // fps)


class ReplayAudioTrack(_ReplayTrack):
    kind = "audio"

    def __init__(self, packets: list[bytes]) -> None:
        super().__init__(packets, 0.02, 48000, 960)
        self._loop_from = 0

    async def recv(self) -> av.Packet:
        packet = await super().recv()
        if self.i == 1 and self.n > 1:
            self.i = 0  # audio has no keyframes: loop over everything
        return packet


class ReceivedTrack:
    """Counts frames of one remote track (and keeps the last decoded picture if decoding)."""

    def __init__(self, track, mid: str | None, t0: float) -> None:
        self.track, self.mid, self.t0 = track, mid, t0
        self.kind = track.kind
        self.frames = 0
        self.first_frame_at: float | None = None
        self.times: list[float] = []
        self.last = None
        self.undecoded = 0
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                now = time.monotonic()
                if self.first_frame_at is None:
                    self.first_frame_at = now
                self.frames += 1
                self.times.append(now)
                if isinstance(frame, av.Packet):
                    self.undecoded += 1
                self.last = frame
        except (MediaStreamError, asyncio.CancelledError):
            pass

    def fps(self, window: float) -> float:
        """Frames per second over the last ``window`` seconds."""
        now = time.monotonic()
        return sum(1 for t in self.times if t >= now - window) / window


class ClientPeer:
    """An aiortc participant using the HTTP + data-channel protocol."""

    def __init__(
        self,
        user: str,
        tracks: list,
        passthrough: bool = False,
        codec: str = "VP8",
        direction: str = "sendrecv",
    ) -> None:
        """``direction`` of the offered media sections: ``sendrecv`` as ``addTrack`` in
        room.js (the server sends the first other participant's media on them), or
        ``sendonly`` (everything received arrives on transceivers of a server offer)."""
        self.user = user
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.passthrough = passthrough
        self.codec = codec
        self.received: list[ReceivedTrack] = []
        self.messages: list[dict] = []
        self.track_map: dict = {}
        self.t0 = time.monotonic()
        self.channel = self.pc.createDataChannel("control")
        self.channel_open = asyncio.Event()
        self._message_event = asyncio.Event()
        for track in tracks:
            t = self.pc.addTransceiver(track, direction=direction)
            if isinstance(track, _ReplayTrack):
                t.sender._send_keyframe = track.keyframe  # answer PLI from the server
                t.setCodecPreferences(forwarding.codec_preferences(track.kind, codec))

        @self.pc.on("track")
        def on_track(track):
            transceiver = next(
                (t for t in self.pc.getTransceivers() if t.receiver.track is track), None
            )
            if self.passthrough:
                forwarding.mark_passthrough(track, transceiver.receiver if transceiver else None)
            mid = transceiver.mid if transceiver else None
            self.received.append(ReceivedTrack(track, mid, self.t0))

        @self.channel.on("open")
        def on_open():
            self.channel_open.set()

        @self.channel.on("message")
        def on_message(raw):
            msg = json.loads(raw)
            self.messages.append(msg)
            self._message_event.set()
            if msg.get("tracks") is not None:
                self.track_map = msg["tracks"]
            if msg["type"] == "offer":
                asyncio.ensure_future(self._answer(msg["sdp"]))

    async def _answer(self, sdp: str) -> None:
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            answer = await self.pc.createAnswer()
            await self.pc.setLocalDescription(answer)
            self.send({"type": "answer", "sdp": self.pc.localDescription.sdp})
        except Exception:
            logger.exception("%s: could not answer the server offer", self.user)

    def send(self, msg: dict) -> None:
        self.channel.send(json.dumps(msg))

    async def join(
        self, offer_url: str, token: str, session: aiohttp.ClientSession | None = None
    ) -> int:
        """POST the offer; returns the HTTP status (200 on success)."""
        self.t0 = time.monotonic()
        offer = await self.pc.createOffer()
        await self.pc.setLocalDescription(offer)
        body = {"sdp": self.pc.localDescription.sdp, "type": "offer", "token": token}
        own = session is None
        session = session or aiohttp.ClientSession()
        try:
            async with session.post(offer_url, json=body) as resp:
                data = await resp.json()
                if resp.status != 200:
                    self.error = data
                    return resp.status
        finally:
            if own:
                await session.close()
        await self.pc.setRemoteDescription(
            RTCSessionDescription(sdp=data["sdp"], type=data["type"])
        )
        return 200

    async def wait_message(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for msg in self.messages[seen:]:
                if predicate(msg):
                    return msg
            seen = len(self.messages)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.user}: no matching message; got {self.messages}")
            self._message_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._message_event.wait(), remaining)

    def video_from(self, user: str) -> ReceivedTrack | None:
        for r in self.received:
            info = self.track_map.get(r.mid)
            if r.kind == "video" and info and info.get("user") == user:
                return r
        return None

    async def wait_frames(
        self, user: str, kind: str = "video", count: int = 10, timeout: float = 10.0
    ) -> ReceivedTrack:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in self.received:
                info = self.track_map.get(r.mid)
                if r.kind == kind and info and info.get("user") == user and r.frames >= count:
                    return r
            await asyncio.sleep(0.05)
        raise TimeoutError(
            f"{self.user}: fewer than {count} {kind} frames from {user}; map={self.track_map} "
            f"received={[(r.mid, r.kind, r.frames) for r in self.received]}"
        )

    async def wait_more_frames(
        self, user: str, count: int, kind: str = "video", timeout: float = 30.0
    ) -> ReceivedTrack:
        """Wait until ``count`` more frames of ``user`` arrive than have so far (a stream that
        keeps flowing), however long the machine takes to deliver them, up to ``timeout``."""
        track = await self.wait_frames(user, kind=kind, count=1, timeout=timeout)
        target = track.frames + count
        deadline = time.monotonic() + timeout
        while track.frames < target:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.user}: {track.frames}/{target} {kind} frames from {user}"
                )
            await asyncio.sleep(0.02)
        return track

    async def close(self) -> None:
        for r in self.received:
            r.task.cancel()
        await self.pc.close()
