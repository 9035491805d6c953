"""Haar-cascade detectors for the identity check: a frontal face, a head turned to the
person's left, open eyes. Pure OpenCV on grey pictures; no state between frames.

Direction of the head turn: browsers send the camera image **unmirrored** (only the local
preview is mirrored), so when the person turns to *their* left their nose points to the
*right* of the received picture. OpenCV's profile cascade finds faces pointing to the
image's left, so it runs on the horizontally flipped frame. (The check also accepts a
frontal face box that moved right, see :data:`video.liveness_check.TURN_SHIFT`.) A client
that mirrors its outgoing video would have to turn right instead.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_WIDTH = 320
"""Face and profile detection run on the frame downscaled to this width (speed)."""
MIN_FACE = 40
"""Smallest face (pixels at ``WORK_WIDTH``) that counts: about 1/8 of the frame width."""


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
