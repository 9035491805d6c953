"""The identity check's prompt sequence as a state machine: face, turn left, blink, read
four digits, then a verdict for the reviewer.

:class:`LivenessCheck` takes BGR pictures and audio levels with a clock, so it runs (and is
tested) without WebRTC; :mod:`video.liveness` feeds it from a participant's media. A turn
is a profile found by :class:`~video.face_detectors.FaceAnalyzer`, or the frontal face box
moving right by ``TURN_SHIFT`` face widths from where it started (what a moderate yaw does
before the frontal detector loses the face).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from .face_detectors import FaceAnalyzer

# The identity check's log, under the name it has always had (log filters use it).
logger = logging.getLogger("video.liveness")

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
SNAPSHOT_QUALITY = 85

PROMPT_TEXT = {
    "turn_left": ("请向左转头", "Turn your head to your left"),
    "blink": ("请慢慢眨一下眼睛", "Blink slowly"),
    "digits": ("请大声读出这四个数字", "Read these four digits aloud"),
}
FACE_CAMERA = ("请正对摄像头", "Please face the camera")
WAITING = ("等待视频", "Waiting for video")


@dataclass(frozen=True)
class Timings:
    """Seconds each step may take; the session also works at these in tests (shortened)."""

    acquire: float = 10.0
    turn: float = 10.0
    blink: float = 10.0
    digits: float = 8.0
    analysis_fps: float = 5.0
    blink_fps: float = 10.0


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
        "message_zh": WAITING[0],
        "message_en": WAITING[1],
    }


def _prompt(pid: str) -> dict:
    zh, en = PROMPT_TEXT[pid]
    return {"id": pid, "text_zh": zh, "text_en": en, "passed": None}


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
        self.t = timings or Timings()
        self.snapshot_dir = snapshot_dir
        self.analyzer = analyzer or FaceAnalyzer()
        self.phase = "waiting"  # waiting, acquire, turn_left, blink, digits, done
        self.phase_started = 0.0
        self.face_present = False
        self.prompts = [_prompt(pid) for pid in PROMPT_TEXT]
        self.digits = "".join(secrets.choice("0123456789") for _ in range(4))
        self.snapshots: list[str] = []
        self._say(*WAITING)
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
            self._say(*FACE_CAMERA)
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
                f"未检测到人脸：{secs} 秒内画面中没有正脸，请在光线充足处正对摄像头后重试",
                f"No face was detected: there was no frontal face in the picture for {secs} s; "
                "face the camera in good light and try again.",
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
            "检查未完成：通话在检查结束前中断",
            "Check not finished: the video ended before the check was complete.",
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
            self._say(f"{prompt['text_zh']}：{self.digits}", f"{prompt['text_en']}: {self.digits}")
        else:
            self._say(prompt["text_zh"], prompt["text_en"])

    def _decide(self, pid: str, verdict: bool | None, now: float) -> None:
        next(p for p in self.prompts if p["id"] == pid)["passed"] = verdict
        order = list(PROMPT_TEXT)
        following = order.index(pid) + 1
        if following < len(order):
            self._issue(order[following], now)
        else:
            self._finish()

    def _say(self, zh: str, en: str) -> None:
        """The message in both languages: ``message`` joins them ("中文 / English") for older
        readers, ``message_zh`` and ``message_en`` let a page show the reader's one."""
        self.message_zh, self.message_en = zh, en
        self.message = f"{zh} / {en}"

    def _finish(self, zh: str | None = None, en: str | None = None) -> None:
        self.phase = "done"
        verdicts = {p["id"]: p["passed"] for p in self.prompts}
        self.passed = (
            zh is None
            and self.face_present
            and verdicts["turn_left"] is True
            and verdicts["blink"] is True
            and verdicts["digits"] is not False
        )
        if zh is not None:
            self._say(zh, en or zh)
            return
        reviewer_zh = "是否为证件上的本人由审核人员对照证件照片核对"
        reviewer_en = (
            "whether this is the person on the ID document is decided by the official "
            "comparing the snapshots with the ID photo."
        )
        digits_zh, digits_en = {
            True: ("显示数字时检测到说话声", "there was voice while the digits were shown"),
            False: ("显示数字时没有检测到说话声", "no voice while the digits were shown"),
            None: ("朗读的数字由审核人员核对", "the spoken digits are checked by the official"),
        }[verdicts["digits"]]
        if self.passed:
            self._say(
                f"自动检查通过：检测到人脸，观察到转头和眨眼，{digits_zh}；{reviewer_zh}",
                f"Automatic checks passed: a face was present, the head turn and the blink "
                f"were observed, {digits_en}; {reviewer_en}",
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
        self._say(
            f"自动检查未通过：{'，'.join(missing_zh)}；{reviewer_zh}",
            f"Automatic checks failed: {', '.join(missing_en)}; {reviewer_en}",
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
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
