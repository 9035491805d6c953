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

Direction of the head turn: browsers send the camera image **unmirrored** (only the local
preview is mirrored), so when the person turns to *their* left their nose points to the
*right* of the received picture. OpenCV's profile cascade finds faces pointing to the
image's left, so it runs on the horizontally flipped frame. A turn is also accepted when
the frontal face box moves right by ``TURN_SHIFT`` face widths from where it started
(what a moderate yaw does before the frontal detector loses the face). A client that
mirrors its outgoing video would have to turn right instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import av
import cv2
import numpy as np

logger = logging.getLogger(__name__)

WORK_WIDTH = 320
"""Face and profile detection run on the frame downscaled to this width (speed)."""
MIN_FACE = 40
"""Smallest face (pixels at ``WORK_WIDTH``) that counts: about 1/8 of the frame width."""
FACE_FRAMES = 3
"""Consecutive analysed frames with a frontal face before the prompts start."""
TURN_FRAMES = 2
"""Consecutive analysed frames showing the turn (profile, or shifted box)."""
TURN_SHIFT = 0.3
"""Rightward move of the frontal face-box centre, in face widths, that counts as a turn."""
BLINK_CLOSED_FRAMES = 2
"""Consecutive analysed frames (at ``blink_fps``) with the face found but no eye: a slow
blink of >= 0.2 s; one frame alone is too often a missed eye detection."""
VOICE_MIN_DBFS = -45.0
"""Audio level (RMS, dB full scale) below which nothing counts as voice."""
VOICE_MARGIN_DB = 12.0
"""Voice must also be this much louder than the median level before the digits appeared."""
VOICE_SECONDS = 0.8
"""Seconds of voiced audio while the digits are shown for the prompt to pass."""
MAX_SNAPSHOTS = 5
QUEUE_PACKETS = 120
"""Encoded packets buffered for the worker (~2 s of video + audio); beyond, video restarts
at the next keyframe."""
SNAPSHOT_QUALITY = 85

PROMPT_TEXT = {
    "turn_left": ("请向左转头", "Turn your head to your left"),
    "blink": ("请慢慢眨一下眼睛", "Blink slowly"),
    "digits": ("请大声读出这四个数字", "Read these four digits aloud"),
}
FACE_CAMERA = ("请正对摄像头", "Please face the camera")
WAITING = ("等待视频", "Waiting for video")
DECODERS = {"VP8": "vp8", "H264": "h264"}
"""PyAV decoder per room codec (``rooms.Room.codec``)."""


@dataclass(frozen=True)
class Timings:
    """Seconds each step may take; the session also works at these in tests (shortened)."""

    acquire: float = 10.0
    turn: float = 10.0
    blink: float = 10.0
    digits: float = 8.0
    analysis_fps: float = 5.0
    blink_fps: float = 10.0


DEFAULT_TIMINGS = Timings()


def waiting_result(room_id: str) -> dict:
    """The result of an identity room whose participant has not sent video yet."""
    return {
        "room_id": room_id,
        "state": "waiting",
        "face_present": False,
        "prompts": [_prompt(pid) for pid in PROMPT_TEXT],
        "passed": False,
        "snapshots": [],
        "message": f"{WAITING[0]} / {WAITING[1]}",
    }


def _prompt(pid: str) -> dict:
    zh, en = PROMPT_TEXT[pid]
    return {"id": pid, "text_zh": zh, "text_en": en, "passed": None}


class FaceAnalyzer:
    """Haar cascades (``cv2.data.haarcascades``); one instance per thread."""

    def __init__(self) -> None:
        base = cv2.data.haarcascades
        self.frontal = cv2.CascadeClassifier(base + "haarcascade_frontalface_default.xml")
        self.profile = cv2.CascadeClassifier(base + "haarcascade_profileface.xml")
        self.eye = cv2.CascadeClassifier(base + "haarcascade_eye.xml")
        if self.frontal.empty() or self.profile.empty() or self.eye.empty():
            raise RuntimeError("OpenCV Haar cascades missing (opencv-python-headless < 5 needed)")

    @staticmethod
    def _small(gray: np.ndarray) -> tuple[np.ndarray, float]:
        scale = min(1.0, WORK_WIDTH / gray.shape[1])
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return gray, scale

    def face(self, gray: np.ndarray) -> tuple[int, int, int, int] | None:
        """The largest frontal face ``(x, y, w, h)`` in full-frame pixels, or None."""
        small, scale = self._small(gray)
        found = self.frontal.detectMultiScale(
            cv2.equalizeHist(small), scaleFactor=1.1, minNeighbors=5, minSize=(MIN_FACE, MIN_FACE)
        )
        if len(found) == 0:
            return None
        x, y, w, h = max(found, key=lambda b: b[2] * b[3])
        return tuple(int(round(v / scale)) for v in (x, y, w, h))

    def turned_left(self, gray: np.ndarray) -> bool:
        """A profile pointing to the image's right: the person turned to their left."""
        small, _ = self._small(gray)
        found = self.profile.detectMultiScale(
            cv2.flip(cv2.equalizeHist(small), 1),
            scaleFactor=1.1,
            minNeighbors=4,
            minSize=(MIN_FACE, MIN_FACE),
        )
        return len(found) > 0

    def eyes(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> int:
        """Eyes found in the upper part of the face box."""
        x, y, w, h = box
        roi = gray[y + int(h * 0.15) : y + int(h * 0.6), x : x + w]
        if roi.size == 0:
            return 0
        side = max(8, w // 8)
        found = self.eye.detectMultiScale(
            roi, scaleFactor=1.1, minNeighbors=3, minSize=(side, side), maxSize=(w // 2, w // 2)
        )
        return len(found)


class LivenessCheck:
    """The prompt sequence as a state machine over analysed frames and audio levels.

    ``feed_frame(bgr, now)``, ``feed_audio(dbfs, seconds, now)`` and ``tick(now)`` return
    True when the public result changed. Not thread-safe: one thread drives it (the
    session holds a lock while reading :meth:`result` from elsewhere).
    """

    def __init__(
        self,
        room_id: str,
        timings: Timings | None = None,
        snapshot_dir: str | None = None,
        analyzer: FaceAnalyzer | None = None,
    ) -> None:
        self.room_id = room_id
        self.t = timings or DEFAULT_TIMINGS
        self.snapshot_dir = snapshot_dir
        self.analyzer = analyzer or FaceAnalyzer()
        self.phase = "waiting"  # waiting, acquire, turn_left, blink, digits, done
        self.phase_started = 0.0
        self.face_present = False
        self.prompts = [_prompt(pid) for pid in PROMPT_TEXT]
        self.digits = "".join(secrets.choice("0123456789") for _ in range(4))
        self.snapshots: list[str] = []
        self.message = f"{WAITING[0]} / {WAITING[1]}"
        self.passed = False
        self.audio_seen = False
        self._hits = 0
        self._boxes: list[tuple[int, int, int, int]] = []
        self._base: tuple[int, int, int, int] | None = None
        self._blink = "want_open"  # want_open -> closing -> want_reopen
        self._closed = 0
        self._levels: deque[float] = deque(maxlen=500)  # ~10 s of 20-ms levels before digits
        self._voiced = 0.0
        self._digits_snapshot = False

    # ------------------------------------------------------------------ inputs
    @property
    def done(self) -> bool:
        return self.phase == "done"

    @property
    def frame_interval(self) -> float:
        fps = self.t.blink_fps if self.phase == "blink" else self.t.analysis_fps
        return 1.0 / fps

    def feed_frame(self, bgr: np.ndarray, now: float) -> bool:
        if self.done:
            return False
        changed = False
        if self.phase == "waiting":
            self._enter("acquire", now)
            self.message = f"{FACE_CAMERA[0]} / {FACE_CAMERA[1]}"
            changed = True
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        face = self.analyzer.face(gray)
        if self.phase == "acquire":
            changed |= self._acquire(bgr, face, now)
        elif self.phase == "turn_left":
            changed |= self._turn(bgr, gray, face, now)
        elif self.phase == "blink":
            changed |= self._blink_step(bgr, gray, face, now)
        elif self.phase == "digits" and face is not None and not self._digits_snapshot:
            self._digits_snapshot = True  # a frontal frame while the digits are read
            self._snapshot(bgr)
            changed = True
        return self.tick(now) or changed

    def feed_audio(self, dbfs: float, seconds: float, now: float) -> bool:
        if self.done:
            return False
        if self.phase != "digits":
            self._levels.append(dbfs)
            return False
        self.audio_seen = True
        if dbfs >= self._voice_threshold():
            self._voiced += seconds
            if self._voiced >= VOICE_SECONDS:
                self._decide("digits", True, now)
                return True
        return False

    def tick(self, now: float) -> bool:
        """Apply time limits; True if that changed the result."""
        if self.phase in ("waiting", "done"):
            return False
        elapsed = now - self.phase_started
        if self.phase == "acquire" and elapsed > self.t.acquire:
            secs = f"{self.t.acquire:g}"
            self._finish(
                f"未检测到人脸 / No face was detected: {secs} 秒内画面中没有正脸，请在光线充足处"
                f"正对摄像头后重试 / there was no frontal face in the picture for {secs} s; "
                "face the camera in good light and try again."
            )
            return True
        limit = {"turn_left": self.t.turn, "blink": self.t.blink, "digits": self.t.digits}
        if self.phase in limit and elapsed > limit[self.phase]:
            # Digits without any audio packet: nothing was measured, the official listens.
            verdict = None if self.phase == "digits" and not self.audio_seen else False
            self._decide(self.phase, verdict, now)
            return True
        return False

    def abort(self) -> bool:
        """The participant's video ended before the check finished."""
        if self.done:
            return False
        self._finish(
            "检查未完成：通话在检查结束前中断 / Check not finished: the video ended before "
            "the check was complete."
        )
        return True

    # ------------------------------------------------------------------ steps
    def _acquire(self, bgr, face, now) -> bool:
        if face is None:
            self._boxes.clear()
            return False
        self._boxes.append(face)
        if len(self._boxes) < FACE_FRAMES:
            return False
        self._base = tuple(int(np.median([b[i] for b in self._boxes])) for i in range(4))
        self.face_present = True
        self._snapshot(bgr)
        self._issue("turn_left", now)
        return True

    def _turn(self, bgr, gray, face, now) -> bool:
        if face is None:
            hit = self.analyzer.turned_left(gray)
        else:
            bx, _, bw, _ = self._base
            hit = (face[0] + face[2] / 2 - (bx + bw / 2)) / bw >= TURN_SHIFT
        self._hits = self._hits + 1 if hit else 0
        if self._hits < TURN_FRAMES:
            return False
        self._snapshot(bgr)
        self._decide("turn_left", True, now)
        return True

    def _blink_step(self, bgr, gray, face, now) -> bool:
        if face is None:
            self._closed = 0
            if self._blink == "closing":
                self._blink = "want_open"
            return False
        open_ = self.analyzer.eyes(gray, face) > 0
        if self._blink == "want_open":
            if open_:
                self._blink = "closing"
        elif self._blink == "closing":
            if open_:
                if self._closed >= BLINK_CLOSED_FRAMES:
                    self._snapshot(bgr)
                    self._decide("blink", True, now)
                    return True
                self._closed = 0
            else:
                self._closed += 1
        return False

    # ------------------------------------------------------------------ bookkeeping
    def _voice_threshold(self) -> float:
        floor = float(np.median(self._levels)) if self._levels else -100.0
        return max(VOICE_MIN_DBFS, floor + VOICE_MARGIN_DB)

    def _enter(self, phase: str, now: float) -> None:
        self.phase, self.phase_started, self._hits = phase, now, 0

    def _issue(self, pid: str, now: float) -> None:
        self._enter(pid, now)
        prompt = next(p for p in self.prompts if p["id"] == pid)
        if pid == "digits":
            prompt["digits"] = self.digits
            self.message = (
                f"{prompt['text_zh']}：{self.digits} / {prompt['text_en']}: {self.digits}"
            )
        else:
            self.message = f"{prompt['text_zh']} / {prompt['text_en']}"

    def _decide(self, pid: str, verdict: bool | None, now: float) -> None:
        next(p for p in self.prompts if p["id"] == pid)["passed"] = verdict
        order = list(PROMPT_TEXT)
        following = order.index(pid) + 1
        if following < len(order):
            self._issue(order[following], now)
        else:
            self._finish(None)

    def _finish(self, message: str | None) -> None:
        self.phase = "done"
        verdicts = {p["id"]: p["passed"] for p in self.prompts}
        self.passed = (
            message is None
            and self.face_present
            and verdicts["turn_left"] is True
            and verdicts["blink"] is True
            and verdicts["digits"] is not False
        )
        if message is not None:
            self.message = message
            return
        reviewer = (
            "是否为证件上的本人由审核人员对照证件照片核对 / whether this is the person on the "
            "ID document is decided by the official comparing the snapshots with the ID photo."
        )
        digits_zh, digits_en = {
            True: ("显示数字时检测到说话声", "there was voice while the digits were shown"),
            False: ("显示数字时没有检测到说话声", "no voice while the digits were shown"),
            None: ("朗读的数字由审核人员核对", "the spoken digits are checked by the official"),
        }[verdicts["digits"]]
        if self.passed:
            self.message = (
                f"自动检查通过：检测到人脸，观察到转头和眨眼，{digits_zh} / Automatic checks "
                f"passed: a face was present, the head turn and the blink were observed, "
                f"{digits_en}; {reviewer}"
            )
            return
        missing_zh, missing_en = [], []
        if verdicts["turn_left"] is not True:
            missing_zh.append("未观察到向左转头")
            missing_en.append("no head turn to the left was observed")
        if verdicts["blink"] is not True:
            missing_zh.append("未观察到眨眼")
            missing_en.append("no blink was observed")
        if verdicts["digits"] is False:
            missing_zh.append(digits_zh)
            missing_en.append(digits_en)
        self.message = (
            f"自动检查未通过：{'，'.join(missing_zh)} / Automatic checks failed: "
            f"{', '.join(missing_en)}; {reviewer}"
        )

    def _snapshot(self, bgr: np.ndarray) -> None:
        if self.snapshot_dir is None or len(self.snapshots) >= MAX_SNAPSHOTS:
            return
        folder = os.path.join(self.snapshot_dir, self.room_id)
        try:
            os.makedirs(folder, exist_ok=True)
            name = f"{secrets.token_urlsafe(12)}.jpg"
            ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, SNAPSHOT_QUALITY])
            if not ok:
                raise OSError("JPEG encoding failed")
            with open(os.path.join(folder, name), "xb") as fh:
                fh.write(data.tobytes())
        except OSError:
            logger.exception("room %s: could not write a snapshot", self.room_id)
            return
        self.snapshots.append(name)

    def result(self) -> dict:
        state = {"waiting": "waiting", "done": "done"}.get(self.phase, "running")
        return {
            "room_id": self.room_id,
            "state": state,
            "face_present": self.face_present,
            "prompts": [dict(p) for p in self.prompts],
            "passed": bool(self.passed) if state == "done" else False,
            "snapshots": list(self.snapshots),
            "message": self.message,
        }


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
