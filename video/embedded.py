"""The media server on a thread of another process (``yunpin run``, tests): its own event
loop in a daemon thread, started and stopped from the caller's thread."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from . import eventloop
from .http_app import SFU_KEY, create_app
from .settings import VideoSettings
from .sfu import SFU


class ServerHandle:
    """A media server running in a background thread; see :func:`start_in_thread`."""

    def __init__(self, settings: VideoSettings) -> None:
        self.settings = settings
        self.loop = eventloop.new_event_loop()
        self.app = create_app(settings)
        self.runner = web.AppRunner(self.app)
        self.port: int | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="yunpin-video", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    @property
    def sfu(self) -> SFU:
        return self.app[SFU_KEY]

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    async def _start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.host, self.settings.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        await self.sfu.announce(self.url)

    def start(self, timeout: float = 10.0) -> ServerHandle:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("video server did not start in time")
        if self._error is not None:
            raise RuntimeError(f"video server failed to start: {self._error}") from self._error
        return self

    def call(self, coro, timeout: float = 10.0):
        """Run a coroutine on the server loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)


def start_in_thread(settings: VideoSettings) -> ServerHandle:
    """Run the media server in a daemon thread with its own loop (``port=0`` picks a free one).

    ``handle.url`` is where the Flask app proxies offers; ``handle.stop()`` closes every
    peer connection and the listening socket.
    """
    return ServerHandle(settings).start()
