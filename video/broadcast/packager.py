"""One publishing session's packaging: remote tracks in, HLS out, on a thread of its own.

The event loop only moves frames from the tracks onto a queue; the packager thread encodes
(when it must) and writes files, so a broadcast never stalls the interview rooms that share
the media server's loop.

- **H.264 in** (OBS, GStreamer, Safari, aiortc): the track is marked pass-through
  (:func:`video.forwarding.mark_passthrough`), its access units go to the segments as they
  are. Segments must start on keyframes, so when one is due the publisher is asked for a
  keyframe (PLI), at most once per :data:`KEYFRAME_REQUEST_INTERVAL`.
- **VP8 in** (most browsers): aiortc decodes it and the packager encodes H.264 once with
  libx264, forcing a keyframe at each segment boundary. That is the broadcast's one transcode.
- **Opus in**: aiortc decodes it and the packager encodes AAC (what HLS players take in TS).

Timing: each stream's RTP clock is mapped to 90 kHz ticks from the session's first frame; the
streams are aligned by the arrival time of their first frame (on a publisher's own uplink
the two differ by a few milliseconds).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
from aiortc.mediastreams import MediaStreamError

from .hls import CLOCK, HlsWriter

logger = logging.getLogger("video.broadcast")

KEYFRAME_REQUEST_INTERVAL = 0.5
"""Seconds between two keyframe requests to a pass-through publisher: one lost request (or a
publisher slow to answer) costs at most this much segment length."""

MAX_BACKLOG = 90
"""Decoded frames waiting for the encoder (3 s) beyond which new ones are dropped: a
machine that cannot keep up loses frames, not the whole broadcast to an ever-growing queue."""

X264_OPTIONS = {"preset": "ultrafast", "tune": "zerolatency", "bf": "0", "g": "100000"}
"""Fast, no B-frames, no lookahead; keyframes only where the packager forces them."""

VIDEO_BITRATE = 1_200_000
AUDIO_BITRATE = 64_000


class _Clock:
    """Maps one stream's 32-bit RTP timestamps to 90 kHz ticks since the session start."""

    def __init__(self, rate: int, offset_ticks: int) -> None:
        self.rate, self.offset = rate, offset_ticks
        self.first: int | None = None
        self.last = 0
        self.unwrapped = 0

    def ticks(self, timestamp: int) -> int:
        if self.first is None:
            self.first = self.last = timestamp
        delta = (timestamp - self.last) & 0xFFFFFFFF
        if delta >= 0x80000000:  # a little backwards (reordering), not a wrap
            delta -= 0x100000000
        self.unwrapped += delta
        self.last = timestamp
        return self.offset + self.unwrapped * CLOCK // self.rate


class Packager:
    """Feed it tracks with :meth:`add_track`; :meth:`stop` ends the broadcast's playlists."""

    def __init__(
        self,
        folder: Path,
        *,
        has_video: bool,
        has_audio: bool,
        request_keyframe: Callable[[], None],
    ) -> None:
        self.aac = None
        if has_audio:
            self.aac = av.CodecContext.create("aac", "w")
            self.aac.sample_rate, self.aac.layout, self.aac.format = 48000, "stereo", "fltp"
            self.aac.bit_rate = AUDIO_BITRATE
            self.aac.time_base = Fraction(1, 48000)
            self.aac.open()
        self.writer = HlsWriter(
            folder, has_video=has_video, audio_extradata=self.aac.extradata if self.aac else None
        )
        self.request_keyframe = request_keyframe
        self.loop = asyncio.get_running_loop()
        self.queue: queue.Queue = queue.Queue()
        self.tasks: list[asyncio.Task] = []
        self.started = None  # (monotonic, wall) of the first frame of any stream
        self.last_media = time.monotonic()  # when a track last gave a frame (the watchdog)
        self.clocks: dict[str, _Clock] = {}
        self.h264 = None
        self.transcoded_frames = 0
        self.passthrough_frames = 0
        self._keyframe_asked = 0.0
        self._force_keyframe = True
        self.thread = threading.Thread(target=self._run, name="broadcast-packager", daemon=True)
        self.thread.start()

    # -- event loop side ------------------------------------------------------------------

    def add_track(self, track, *, passthrough: bool) -> None:
        kind = "video-packet" if passthrough else f"{track.kind}-frame"
        self.tasks.append(asyncio.ensure_future(self._read(track, kind)))

    async def _read(self, track, kind: str) -> None:
        try:
            while True:
                item = await track.recv()
                self.last_media = time.monotonic()
                if kind == "video-frame" and self.queue.qsize() > MAX_BACKLOG:
                    continue
                self.queue.put((kind, item, time.monotonic()))
        except (MediaStreamError, asyncio.CancelledError):
            pass

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.queue.put(None)
        await asyncio.to_thread(self.thread.join, 10)

    def _ask_keyframe(self) -> None:
        now = time.monotonic()
        if now - self._keyframe_asked >= KEYFRAME_REQUEST_INTERVAL:
            self._keyframe_asked = now
            self.loop.call_soon_threadsafe(self.request_keyframe)

    # -- packager thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                kind, media, arrived = item
                if self.started is None:
                    self.started = (arrived, time.time() - (time.monotonic() - arrived))
                if kind == "video-packet":
                    self._passthrough(media, arrived)
                elif kind == "video-frame":
                    self._transcode(media, arrived)
                else:
                    self._audio(media, arrived)
        except Exception:  # a broken stream must still end its playlists
            logger.exception("broadcast packaging failed")
        finally:
            self._flush_encoders()
            self.writer.close()

    def _ticks(self, kind: str, timestamp: int, rate: int, arrived: float) -> int:
        clock = self.clocks.get(kind)
        if clock is None:
            offset = round((arrived - self.started[0]) * CLOCK)
            clock = self.clocks[kind] = _Clock(rate, offset)
        return clock.ticks(timestamp)

    def _wall(self, ticks: int) -> float:
        return self.started[1] + ticks / CLOCK

    def _passthrough(self, packet: av.Packet, arrived: float) -> None:
        ticks = self._ticks("video", packet.pts, CLOCK, arrived)
        if not packet.is_keyframe and self.writer.segment_due(ticks):
            self._ask_keyframe()
        self.writer.video(bytes(packet), ticks, packet.is_keyframe, self._wall(ticks))
        self.passthrough_frames += 1

    def _transcode(self, frame: av.VideoFrame, arrived: float) -> None:
        ticks = self._ticks("video", frame.pts, CLOCK, arrived)
        if self.h264 is None:
            self.h264 = self._open_h264(frame.width, frame.height)
        if frame.width != self.h264.width or frame.height != self.h264.height:
            # The browser lowered (or raised) its resolution: keep one size for the playlist.
            frame = frame.reformat(width=self.h264.width, height=self.h264.height)
        frame = frame.reformat(format="yuv420p") if frame.format.name != "yuv420p" else frame
        frame.pts, frame.time_base = ticks, Fraction(1, CLOCK)
        if self._force_keyframe or self.writer.segment_full(ticks):
            frame.pict_type = av.video.frame.PictureType.I
            self._force_keyframe = False
        else:
            frame.pict_type = av.video.frame.PictureType.NONE
        for packet in self.h264.encode(frame):
            self.writer.video(bytes(packet), packet.pts, packet.is_keyframe, self._wall(packet.pts))
        self.transcoded_frames += 1

    @staticmethod
    def _open_h264(width: int, height: int):
        encoder = av.CodecContext.create("libx264", "w")
        encoder.width, encoder.height = width - width % 2, height - height % 2
        encoder.pix_fmt = "yuv420p"
        encoder.time_base = Fraction(1, CLOCK)
        encoder.framerate = Fraction(30, 1)
        encoder.bit_rate = VIDEO_BITRATE
        encoder.options = dict(X264_OPTIONS)
        encoder.open()
        return encoder

    def _audio(self, frame: av.AudioFrame, arrived: float) -> None:
        ticks = self._ticks("audio", frame.pts, frame.sample_rate, arrived)
        frame.pts = ticks * 48000 // CLOCK
        frame.time_base = Fraction(1, 48000)
        for packet in self.aac.encode(frame):
            pts = packet.pts * CLOCK // 48000
            self.writer.audio(bytes(packet), pts, self._wall(pts))

    def _flush_encoders(self) -> None:
        for encoder in (self.h264, self.aac):
            if encoder is None:
                continue
            try:
                for packet in encoder.encode(None):
                    pts = packet.pts * CLOCK // (48000 if encoder is self.aac else CLOCK)
                    if encoder is self.aac:
                        self.writer.audio(bytes(packet), pts, self._wall(pts))
                    else:
                        self.writer.video(bytes(packet), pts, packet.is_keyframe, self._wall(pts))
            except (av.error.EOFError, ValueError):
                pass
