"""A WHIP publisher built on aiortc (RFC 9725), for tests and the broadcast benchmark.

It speaks plain WHIP: ``POST`` of an ``application/sdp`` offer with a bearer token, the answer
from the ``201``, ``DELETE`` of the ``Location`` to stop. ``codec`` restricts the offer's video
to H.264 (the server passes it through) or VP8 (the server transcodes it once).
"""

from __future__ import annotations

import asyncio
import fractions
import time
import urllib.parse

import aiohttp
import av
import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import VideoStreamTrack

from bench.peers import synthetic_picture


class WhipError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"WHIP endpoint answered {status}: {text}")
        self.status = status


class CameraTrack(VideoStreamTrack):
    """A moving synthetic picture; remembers the wall clock of its first frame."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.width, self.height, self.n = width, height, 0
        self.pictures = [synthetic_picture(i, width, height) for i in range(30)]
        self.first_frame_at: float | None = None

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        if self.first_frame_at is None:
            self.first_frame_at = time.time()
        frame = av.VideoFrame.from_ndarray(self.pictures[self.n % 30], format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        self.n += 1
        return frame


class ToneTrack(MediaStreamTrack):
    """A 440 Hz tone, 20 ms frames at 48 kHz (silence would encode to nothing worth checking)."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.n = 0
        self.start: float | None = None
        t = np.arange(960 * 50) / 48000
        self.tone = (np.sin(2 * np.pi * 440 * t) * 6000).astype(np.int16)

    async def recv(self):
        if self.start is None:
            self.start = time.monotonic()
        wait = self.start + self.n * 0.02 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        chunk = self.tone[(self.n % 50) * 960 : (self.n % 50 + 1) * 960]
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
        frame.sample_rate, frame.pts = 48000, self.n * 960
        frame.time_base = fractions.Fraction(1, 48000)
        self.n += 1
        return frame


def encode_h264(
    frames: int = 60, width: int = 640, height: int = 480, fps: int = 30
) -> list[bytes]:
    """``frames`` synthetic pictures encoded once (Annex B), a keyframe every ``frames``: a
    camera whose encoder runs elsewhere, so a benchmark on a loaded machine measures the
    server and not the publisher falling behind its own clock."""
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
    ctx.time_base = fractions.Fraction(1, fps)
    ctx.framerate = fractions.Fraction(fps, 1)
    ctx.bit_rate = 1_000_000
    ctx.options = {"preset": "ultrafast", "tune": "zerolatency", "bf": "0", "g": str(frames)}
    ctx.profile = "Baseline"
    out: list[bytes] = []
    for i in range(frames):
        frame = av.VideoFrame.from_ndarray(
            synthetic_picture(i, width, height), format="bgr24"
        ).reformat(format="yuv420p")
        frame.pts = i
        out.extend(bytes(p) for p in ctx.encode(frame))
    out.extend(bytes(p) for p in ctx.encode(None))
    return out


class ReplayCamera(MediaStreamTrack):
    """Pre-encoded H.264 in real time, looping over whole groups of pictures (60 frames:
    a keyframe every 2 s, the segment length, so no keyframe request is needed)."""

    kind = "video"

    def __init__(self, packets: list[bytes], fps: int = 30) -> None:
        super().__init__()
        self.packets, self.fps, self.n = packets, fps, 0
        self.start: float | None = None
        self.first_frame_at: float | None = None

    async def recv(self) -> av.Packet:
        if self.start is None:
            self.start, self.first_frame_at = time.monotonic(), time.time()
        wait = self.start + self.n / self.fps - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        packet = av.Packet(self.packets[self.n % len(self.packets)])
        packet.pts, packet.time_base = self.n * 3000, fractions.Fraction(1, 90000)
        self.n += 1
        return packet


class WhipPublisher:
    def __init__(
        self,
        whip_url: str,
        token: str,
        *,
        codec: str = "H264",
        width=640,
        height=480,
        video: MediaStreamTrack | None = None,
    ) -> None:
        self.whip_url, self.token, self.codec = whip_url, token, codec.upper()
        self.video = video or CameraTrack(width, height)
        self.pc = RTCPeerConnection()
        self.location: str | None = None

    async def start(self) -> None:
        video = self.pc.addTransceiver(self.video, direction="sendonly")
        wanted = f"video/{self.codec.lower()}"
        video.setCodecPreferences(
            [
                c
                for c in RTCRtpSender.getCapabilities("video").codecs
                if c.mimeType.lower() == wanted
            ]
        )
        self.pc.addTransceiver(ToneTrack(), direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        headers = {"Content-Type": "application/sdp", "Authorization": f"Bearer {self.token}"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.whip_url, data=self.pc.localDescription.sdp, headers=headers) as answer,
        ):
            text = await answer.text()
            if answer.status != 201:
                raise WhipError(answer.status, text)
            self.location = urllib.parse.urljoin(self.whip_url, answer.headers["Location"])
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=text, type="answer"))

    async def stop(self) -> int | None:
        """DELETE the session (its status), then close the connection."""
        status = None
        if self.location:
            headers = {"Authorization": f"Bearer {self.token}"}
            async with (
                aiohttp.ClientSession() as http,
                http.delete(self.location, headers=headers) as answer,
            ):
                status = answer.status
        await self.pc.close()
        return status


async def publish_for(whip_url: str, token: str, seconds: float, codec: str) -> None:
    """Publish for ``seconds``; prints ``{"first_frame_at": <wall clock>}`` once the first
    frame is captured (the benchmark's origin of capture times)."""
    import json

    # H.264 is replayed pre-encoded (a camera with its own encoder); VP8 is encoded live.
    video = ReplayCamera(encode_h264()) if codec.upper() == "H264" else None
    publisher = WhipPublisher(whip_url, token, codec=codec, video=video)
    await publisher.start()
    while publisher.video.first_frame_at is None:
        await asyncio.sleep(0.01)
    print(json.dumps({"first_frame_at": publisher.video.first_frame_at}), flush=True)
    await asyncio.sleep(seconds)
    await publisher.stop()


if __name__ == "__main__":  # python -m bench.whip URL TOKEN SECONDS CODEC: a publisher process
    import sys

    url, token, seconds, codec = sys.argv[1:5]
    asyncio.run(publish_for(url, token, float(seconds), codec))
