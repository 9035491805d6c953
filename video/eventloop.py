"""The media server's event loop: uvloop where it is installed, unless
``VIDEO_EVENT_LOOP=asyncio`` (to compare, or to rule uvloop out); and its heap, frozen once
the server is up (:func:`freeze_start_up_heap`, also used by the web and stream processes).

Measured (docs/benchmarks.md, video section): asyncio's selector loop reads one datagram per
socket per loop turn, so a busy server with dozens of peer connections lets the kernel drop
thousands of datagrams a second from full receive buffers (each drop becomes a NACK, a
retransmission or a keyframe request); libuv drains a readable socket in one go.
"""

from __future__ import annotations

import asyncio
import gc
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


def freeze_start_up_heap() -> None:
    """Put what the process has built so far out of the cyclic collector's reach.

    A serving process holds several hundred thousand objects from its start (the `yunpin`
    command imports the whole app) that live as long as it does. Left to the collector, every
    full collection walks all of them: 230-250 ms holding the interpreter lock on the machine
    of docs/benchmarks/runtime.md (eighth session), during which a web process answers nobody
    and a media server forwards no packet. Frozen, a full collection walks only what was made
    since (gc.freeze, meant for long-lived pre-forked servers).
    """
    gc.collect()
    gc.freeze()
