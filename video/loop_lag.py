"""How late the media server's event loop runs, for ``/video/health``.

A server that gets less CPU than its calls need does not slow down evenly: its receive
backlog grows, each loop turn lasts longer, and timers (STUN retransmissions, consent
checks, pacing) fire seconds late, so ICE consent expires on both ends of a call at once
(docs/benchmarks/video.md, night of 2026-12-01). CPU figures do not show that; the lag of
a timer that should wake every :data:`TICK` seconds does.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

TICK = 0.05
"""Seconds between two wake-ups of the probe (20 a second: negligible next to the media)."""

WINDOW_SECONDS = 10.0
"""The report covers the wake-ups of the last this many seconds."""


class LoopLag:
    """:meth:`start` on a running loop; :meth:`report` gives p95 and max lag (ms) of the last
    WINDOW_S seconds, :meth:`take` the lags since the last take (``window_s=None`` keeps
    every sample until then: the benchmark's client processes read their own windows)."""

    def __init__(self, window_s: float | None = WINDOW_SECONDS) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, float]] = deque()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + TICK
            await asyncio.sleep(TICK)
            now = loop.time()
            self._samples.append((time.monotonic(), (now - due) * 1000))
            if self.window_s is None:
                continue
            while self._samples and self._samples[0][0] < time.monotonic() - self.window_s:
                self._samples.popleft()

    def take(self) -> list[float]:
        lags = [lag for _, lag in self._samples]
        self._samples.clear()
        return lags

    def report(self) -> dict:
        lags = sorted(lag for _, lag in self._samples)
        if not lags:
            return {"p95": None, "max": None, "window_s": self.window_s}
        p95 = lags[min(len(lags) - 1, int(0.95 * len(lags)))]
        return {"p95": round(p95, 1), "max": round(lags[-1], 1), "window_s": self.window_s}

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
