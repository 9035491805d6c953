"""Child processes that ``yunpin run`` keeps alive: start, restart with back-off, stop.

The supervisor owns the web server, the workers and the media servers of the one-laptop
mode. A child that dies is logged and started again after a delay that doubles with each
quick death (1 s … 30 s) and resets once it has stayed up for a minute. SIGINT and SIGTERM
stop every child (SIGTERM, then SIGKILL after a grace period) before the supervisor
returns. Each child runs in a process group of its own, which is killed after the child
exits, so what it started goes with it; on Linux each child also gets SIGTERM if the
supervisor itself is killed. Nothing is left running.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("yunpin.supervisor")

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
STABLE_AFTER = 60.0
"""Seconds a child must stay up before its restart delay goes back to FIRST_DELAY."""

GRACE = 10.0
"""Seconds children get to stop after SIGTERM before they are killed."""


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: str | None = None
    on_death: Callable[[Child], None] | None = None
    """Called after the child died unexpectedly, before it is started again."""
    process: subprocess.Popen | None = field(default=None, repr=False)
    started_at: float = 0.0
    delay: float = field(default_factory=lambda: FIRST_DELAY)
    restart_at: float | None = None
    restarts: int = 0


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the parent dies (Linux prctl)."""
    PR_SET_PDEATHSIG = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self._stop = threading.Event()

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        # A process group of its own: what the child starts (rq's scheduler, gunicorn's
        # workers) is stopped with it, even when the child itself was killed.
        child.process = subprocess.Popen(
            child.argv,
            env=child.env,
            cwd=child.cwd,
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        log.info("started %s (pid %d)", child.name, child.process.pid)

    def run(self, poll: float = 0.2) -> None:
        """Watch the children until SIGINT/SIGTERM (or :meth:`request_stop`), then stop them."""
        previous = {
            sig: signal.signal(sig, lambda *_: self._stop.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not self._stop.wait(poll):
                self.check()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def request_stop(self) -> None:
        self._stop.set()

    def check(self) -> None:
        """Notice children that died and start them again when their delay has passed."""
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if child.restart_at is None and process is not None and process.poll() is not None:
                uptime = now - child.started_at
                if uptime >= STABLE_AFTER:
                    child.delay = FIRST_DELAY
                log.warning(
                    "%s (pid %d) exited with %s after %.0f s; starting it again in %.0f s",
                    child.name,
                    process.pid,
                    process.returncode,
                    uptime,
                    child.delay,
                )
                _signal_group(process, signal.SIGKILL)  # what it left behind
                self._recover(child)
                child.restart_at = now + child.delay
                child.delay = min(child.delay * 2, MAX_DELAY)
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._spawn(child)

    def _recover(self, child: Child) -> None:
        if child.on_death is not None:
            try:
                child.on_death(child)
            except Exception:  # recovery must not stop the supervision of the others
                log.exception("recovering after %s failed", child.name)

    def stop(self, grace: float = GRACE) -> None:
        """SIGTERM to every child's process group; after GRACE seconds, SIGKILL (and the
        recovery a killed child needs)."""
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s; killing it", child.name, grace)
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
                self._recover(child)
            # Its own children may outlive it (a worker's scheduler).
            _signal_group(child.process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is empty: nothing to stop
        os.killpg(process.pid, sig)
