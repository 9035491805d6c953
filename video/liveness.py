"""Identity rooms: prompted liveness cues on the one participant's video, for a human reviewer.

What this automates, and what it does not: it checks that a frontal face is on camera,
that the person turned their head to their left and blinked when asked, and (if the
audio track is there) that there was voice while four random digits were shown. It keeps
a few JPEG snapshots. It does **not** decide who the person is (an official compares the
snapshots with the ID photo and listens to the digits) and it is **not** anti-spoofing: a
replayed video of someone following the same prompts, or a good mask, passes.

Pipeline: the server forwards encoded frames and never decodes (:mod:`video.forwarding`).
:class:`LivenessSession` subscribes a tap to the participant's :class:`~video.forwarding.Publisher`
(like one more subscriber), copies the encoded payloads into a bounded queue, and a worker
thread decodes them with PyAV (VP8 or H.264; audio Opus). Every video frame is decoded
(delta frames need their predecessors) but the Haar cascades only run on
``analysis_fps`` of them (``blink_fps`` while the blink prompt is up), so the event loop
never waits on OpenCV. :class:`LivenessCheck` is the pure state machine; it takes BGR
pictures and audio levels with a clock and can be tested without WebRTC.

Where the parts live: :mod:`video.face_detectors` (the Haar cascades),
:mod:`video.liveness_check` (the prompts as a state machine, :class:`LivenessCheck`) and
this module (the session that feeds it from a participant's media). The names of all three
are importable from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import queue
import threading
import time
from collections.abc import Callable

import av
import numpy as np

from .face_detectors import FaceAnalyzer
from .liveness_check import LivenessCheck, Timings, waiting_result

logger = logging.getLogger(__name__)

QUEUE_PACKETS = 120
"""Encoded packets buffered for the worker (~2 s of video + audio); beyond, video restarts
at the next keyframe."""
DECODERS = {"VP8": "vp8", "H264": "h264"}
"""PyAV decoder per room codec (``rooms.Room.codec``)."""
DEFAULT_TIMINGS = Timings()
"""What every session runs with unless given other timings; tests shorten the steps of the
sessions the server starts by replacing this."""

__all__ = [
    "DEFAULT_TIMINGS",
    "FaceAnalyzer",
    "LivenessCheck",
    "LivenessSession",
    "Timings",
    "waiting_result",
]


class _Tap:
    """A publisher subscriber (duck-types :class:`~video.forwarding.ForwardTrack`)."""

    kind: str

    def __init__(self, session: LivenessSession, publisher) -> None:
        self.session = session
        self.publisher = publisher
        self.kind = publisher.kind
        self.waiting_keyframe = self.kind == "video"
        publisher.subscribe(self)  # asks the source for a keyframe

    def push(self, packet: av.Packet, keyframe: bool) -> None:
        self.session._push(self, packet, keyframe)

    def detach(self) -> None:  # Publisher.stop(): the participant's track ended
        if self.publisher is not None:
            self.publisher.subscribers.discard(self)
            self.publisher = None
            self.session._source_ended(self)

    def request_keyframe(self) -> None:
        if self.publisher is not None:
            self.publisher.request_keyframe()


class LivenessSession:
    """Runs a :class:`LivenessCheck` on one participant's forwarded media.

    Create it on the server's event loop with the participant's video ``Publisher``;
    ``on_update(result)`` is called on that loop whenever the result changes. ``stop()``
    ends it (an unfinished check ends as not passed); ``result()`` stays readable after.
    """

    def __init__(
        self,
        publisher,
        codec: str = "VP8",
        *,
        snapshot_dir: str | None = None,
        room_id: str,
        on_update: Callable[[dict], None] | None = None,
        audio=None,
        user_id: str | None = None,
        timings: Timings | None = None,
    ) -> None:
        self.room_id = room_id
        self.user_id = user_id
        self.codec = DECODERS.get(codec.upper(), "vp8")
        self.on_update = on_update
        self._loop = asyncio.get_running_loop()
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_PACKETS)
        self._stopped = threading.Event()
        self._check: LivenessCheck | None = None
        self._timings = timings or DEFAULT_TIMINGS
        self._snapshot_dir = snapshot_dir
        self._result = waiting_result(room_id)
        self._video: _Tap | None = None
        self._audio: _Tap | None = None
        self.attach_video(publisher)
        if audio is not None:
            self.attach_audio(audio)
        self._thread = threading.Thread(target=self._work, name=f"liveness-{room_id}", daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- event-loop side
    @property
    def done(self) -> bool:
        return self._result["state"] == "done"

    def attach_video(self, publisher) -> None:
        """(Re)subscribe to the participant's video, e.g. after an ICE-restart reconnect."""
        old, self._video = self._video, None
        if old is not None:
            old.detach()
        self._video = _Tap(self, publisher)
        self._queue_put(("reset", None))

    def attach_audio(self, publisher) -> None:
        old, self._audio = self._audio, None
        if old is not None:
            old.detach()
        self._audio = _Tap(self, publisher)

    def result(self) -> dict:
        with self._lock:
            return dict(self._result)

    def stop(self) -> None:
        for tap in (self._video, self._audio):
            if tap is not None and tap.publisher is not None:
                tap.publisher.subscribers.discard(tap)
                tap.publisher = None
        self._queue_put(("abort", None), force=True)
        self._stopped.set()

    def _push(self, tap: _Tap, packet: av.Packet, keyframe: bool) -> None:
        if self._stopped.is_set() or tap not in (self._video, self._audio):
            return
        if tap.waiting_keyframe:
            if not keyframe:
                tap.request_keyframe()
                return
            tap.waiting_keyframe = False
        if not self._queue_put((tap.kind, bytes(packet))) and tap.kind == "video":
            # The worker fell behind: the decode chain is broken, restart at a keyframe.
            tap.waiting_keyframe = True
            tap.request_keyframe()

    def _source_ended(self, tap: _Tap) -> None:
        if tap is self._video and not self._stopped.is_set():
            self._video = None
            self._queue_put(("abort", None), force=True)

    def _queue_put(self, item, force: bool = False) -> bool:
        try:
            self._queue.put_nowait(item)
            return True
        except queue.Full:
            if not force:
                return False
            with self._queue.mutex:
                self._queue.queue.clear()
            self._queue.put_nowait(item)
            return True

    def _publish(self, result: dict) -> None:
        if self.on_update is not None:
            try:
                self.on_update(result)
            except Exception:  # a closed data channel must not kill the check
                logger.exception("room %s: liveness update failed", self.room_id)

    # -------------------------------------------------------------- worker thread
    def _work(self) -> None:
        try:
            self._check = LivenessCheck(self.room_id, self._timings, self._snapshot_dir)
            video = self._decoder(self.codec)
            audio = self._decoder("opus")
            last_analysis = 0.0
            while not self._check.done:
                try:
                    kind, data = self._queue.get(timeout=0.1)
                except queue.Empty:
                    kind, data = "idle", None
                now = time.monotonic()
                changed = False
                if kind == "abort":
                    changed = self._check.abort()
                elif kind == "reset":
                    video = self._decoder(self.codec)
                elif kind == "video":
                    for frame in self._decode(video, data):
                        if now - last_analysis >= self._check.frame_interval:
                            last_analysis = now
                            changed |= self._check.feed_frame(frame.to_ndarray(format="bgr24"), now)
                elif kind == "audio":
                    for frame in self._decode(audio, data):
                        pcm = frame.to_ndarray().astype(np.float32)
                        if pcm.dtype.kind != "f" or np.abs(pcm).max(initial=0) > 1.5:
                            pcm = pcm / 32768.0
                        rms = math.sqrt(float(np.mean(pcm * pcm))) if pcm.size else 0.0
                        dbfs = 20 * math.log10(max(rms, 1e-5))
                        changed |= self._check.feed_audio(
                            dbfs, frame.samples / (frame.sample_rate or 48000), now
                        )
                changed |= self._check.tick(now)
                if changed:
                    self._set_result(self._check.result())
        except Exception:  # pragma: no cover - logged; the result says the check broke
            logger.exception("room %s: liveness check crashed", self.room_id)
            result = self._check.result() if self._check else waiting_result(self.room_id)
            result.update(
                state="done",
                passed=False,
                message="检查出错，请重试 / The check failed with an internal error; try again.",
            )
            self._set_result(result)
        finally:
            with contextlib.suppress(RuntimeError):  # loop closed (server shut down)
                self._loop.call_soon_threadsafe(self._release)

    def _set_result(self, result: dict) -> None:
        with self._lock:
            self._result = result
        with contextlib.suppress(RuntimeError):  # loop closed (server shut down)
            self._loop.call_soon_threadsafe(self._publish, result)

    def _release(self) -> None:
        self._stopped.set()
        for tap in (self._video, self._audio):
            if tap is not None and tap.publisher is not None:
                tap.publisher.subscribers.discard(tap)
                tap.publisher = None

    @staticmethod
    def _decoder(name: str):
        ctx = av.CodecContext.create(name, "r")
        ctx.thread_count = 1
        return ctx

    def _decode(self, ctx, data: bytes) -> list:
        try:
            return ctx.decode(av.Packet(data))
        except av.error.FFmpegError:
            if ctx.type == "video" and self._video is not None:
                self._loop.call_soon_threadsafe(self._video.request_keyframe)
            return []
