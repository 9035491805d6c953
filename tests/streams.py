"""The event-stream server (app.chat.stream) for a test's app, on a port of its own, in a
thread with its own event loop, as `yunpin chat serve` runs it beside the web processes."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

from aiohttp import web
from flask import Flask

from app.chat.stream import make_app


@contextlib.contextmanager
def running_stream(app: Flask, redis_server) -> Iterator[int]:
    """Serve APP's stream on a free port (yielded) until the block ends."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(app, f"unix://{redis_server.socket_file}"), shutdown_timeout=1)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield port
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
