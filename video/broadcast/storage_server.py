"""The embedded static server of the broadcast folder: ``GET /hls/<storage key>/<file>``.

In production a CDN or nginx serves the same folder (docs/broadcasts.md has the
configuration); this server is what ``yunpin run`` starts so one laptop needs nothing else.
It serves only the names the packager writes (playlists and segments), with the cache
headers a CDN in front of it would obey:

- playlists (``*.m3u8``) change every segment: ``max-age=1`` while live, so a CDN asks the
  origin about once a second whatever the audience; an ended playlist never changes again.
- segments (``*.ts``) are written once under a new name: cached for a year, ``immutable``.

``Access-Control-Allow-Origin: *``: the players run on the app's origin (hls.js fetches with
XHR), and the folder holds nothing but public broadcasts behind unguessable storage keys.

Why not the app's gunicorn: a viewer fetches a playlist and a segment every 2 s, so 2,000
viewers are 2,000 requests a second for files, each a few hundred microseconds of Python in
a Flask view; one aiohttp process per core on uvloop, sharing the port (``SO_REUSEPORT``),
serves them from memory (figures in docs/benchmarks/broadcast.md).
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections import OrderedDict
from pathlib import Path

from aiohttp import web

from video import eventloop

NAME_RE = re.compile(r"^(?:live|audio|replay)\.m3u8$|^[va][0-9]{5,9}\.ts$")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

LIVE_PLAYLIST_MAX_AGE = 1
SEGMENT_MAX_AGE = 365 * 24 * 3600
ENDED_PLAYLIST_MAX_AGE = 3600

CORS = {"Access-Control-Allow-Origin": "*"}


def cache_control(name: str, body_tail: bytes = b"") -> str:
    if name.endswith(".ts"):
        return f"public, max-age={SEGMENT_MAX_AGE}, immutable"
    if b"#EXT-X-ENDLIST" in body_tail:
        return f"public, max-age={ENDED_PLAYLIST_MAX_AGE}"
    return f"public, max-age={LIVE_PLAYLIST_MAX_AGE}"


class _Files:
    """What one process keeps in memory: segments (written once, so a copy never goes stale)
    and playlists (re-read when their modification time moves). Serving from memory saves
    aiohttp's ``FileResponse`` its thread-pool hops for open/stat/sendfile, which cost more
    than the bytes at these sizes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.segments: OrderedDict[str, bytes] = OrderedDict()
        self.playlists: dict[str, tuple[int, bytes]] = {}

    def playlist(self, relative: str) -> bytes:
        path = self.folder / relative
        modified = path.stat().st_mtime_ns  # FileNotFoundError: 404
        cached = self.playlists.get(relative)
        if cached is None or cached[0] != modified:
            cached = self.playlists[relative] = (modified, path.read_bytes())
        return cached[1]

    def segment(self, relative: str) -> bytes:
        body = self.segments.get(relative)
        if body is None:
            body = (self.folder / relative).read_bytes()  # FileNotFoundError: 404
            self.segments[relative] = body
            while len(self.segments) > SEGMENTS_IN_MEMORY:
                self.segments.popitem(last=False)
        else:
            self.segments.move_to_end(relative)
        return body


SEGMENTS_IN_MEMORY = 120
"""Per process: the live windows of 20 broadcasts (about 300 kB each at 1.2 Mbit/s)."""

FILES_KEY = web.AppKey("files", _Files)


async def file_view(request: web.Request) -> web.StreamResponse:
    key, name = request.match_info["key"], request.match_info["name"]
    if not KEY_RE.match(key) or not NAME_RE.match(name):
        raise web.HTTPNotFound(headers=CORS)
    files = request.app[FILES_KEY]
    try:
        if name.endswith(".m3u8"):
            body = files.playlist(f"{key}/{name}")
            content_type = "application/vnd.apple.mpegurl"
        else:
            body = files.segment(f"{key}/{name}")
            content_type = "video/mp2t"
    except (FileNotFoundError, NotADirectoryError):
        raise web.HTTPNotFound(headers=CORS) from None
    headers = {**CORS, "Cache-Control": cache_control(name, body[-32:])}
    return web.Response(body=body, content_type=content_type, headers=headers)


def create_app(folder: str | Path) -> web.Application:
    app = web.Application()
    app[FILES_KEY] = _Files(Path(folder))
    app.router.add_get("/hls/{key}/{name}", file_view)
    return app


async def serve(folder: str | Path, host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; several processes may share the port (SO_REUSEPORT)."""
    runner = web.AppRunner(create_app(folder), handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_port=True, backlog=4096).start()
    eventloop.freeze_start_up_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """``python -m video.broadcast.storage_server FOLDER --port P`` (benchmarks; the app runs
    ``yunpin broadcast serve-storage``)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    eventloop.run(serve(args.folder, args.host, args.port))


if __name__ == "__main__":
    main()
