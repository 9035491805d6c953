"""The media server's event loop: uvloop where it is installed, unless
``VIDEO_EVENT_LOOP=asyncio`` (to compare, or to rule uvloop out).

Measured (docs/benchmarks.md, video section): asyncio's selector loop reads one datagram per
socket per loop turn, so a busy server with dozens of peer connections lets the kernel drop
thousands of datagrams a second from full receive buffers (each drop becomes a NACK, a
retransmission or a keyframe request); libuv drains a readable socket in one go.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
    uvloop = None


def name() -> str:
    """``uvloop`` or ``asyncio``: the loop :func:`new_event_loop` makes."""
    wanted = os.environ.get("VIDEO_EVENT_LOOP", "uvloop")
    return "uvloop" if wanted == "uvloop" and uvloop is not None else "asyncio"


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if name() == "uvloop" else asyncio.new_event_loop()


def run(coro: Coroutine):
    """``asyncio.run`` on :func:`new_event_loop`."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coro)
