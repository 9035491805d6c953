"""The client peers of ``yunpin bench video``, in processes of their own.

One process running every room's peers measured its own event loop rather than the servers:
at 20 rooms (38 peers) it sat at 95 % of a core, and a joiner's offer, ICE and DTLS packets
queued behind the other peers' media, which decided the steady-join first frame
(docs/benchmarks/video.md). So the benchmark's main process only coordinates, and the peers
run in several of these processes, a few rooms each (``--rooms-per-client-process``), plus
one that runs nothing but the steady joins (a person joins from their own device).

The peers are as light as the outside harness's: senders replay pre-encoded VP8 and Opus
packets (aiortc only packetizes them, no encoder runs) and receivers count frames without
decoding (:func:`video.forwarding.mark_passthrough`; ``real_decoders`` in a snapshot proves
it).

Protocol: one JSON object a line on stdin, one answer a line on stdout; ``ready`` first.

- ``{"op": "open", "room": i}``: join room ``bench-<i>`` (users a, then b); answers once both
  offers are answered;
- ``{"op": "first_frames"}``: each receiver's first frame in ms from its own offer POST, for
  every open room (waits up to 10 s for the missing ones);
- ``{"op": "rejoin", "room": i}``: leave room ``i`` if open here, join it again, answer its
  receivers' first frames;
- ``{"op": "close", "room": i}``: leave room ``i``;
- ``{"op": "snapshot", "mark": true|false}``: counters to subtract between two snapshots
  (frames per receiver, CPU seconds, RTCP feedback, UDP drops, event-loop lag since the last
  snapshot) and how many open rooms' peers have lost their connection (failed or closed).
  ``mark`` picks the receivers' tracks that later snapshots count, so a track that goes away
  meanwhile (its connection closed) shows as frames that stopped coming.

End of stdin closes every peer and ends the process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from typing import TYPE_CHECKING

import click
import redis as redis_lib

from video import eventloop, forwarding, registry, rooms, tokens
from video.loop_lag import LoopLag

from .media_servers import cpu_seconds, udp_drops
from .stats import percentile

if TYPE_CHECKING:  # aiortc is imported lazily, as in bench/video.py
    import aiohttp

    from .peers import ClientPeer

FIRST_FRAME_TIMEOUT = 10.0
FEEDBACK = ("pli_sent", "nack_sent", "remb_sent", "nacked_packets")


class RoomOpener:
    """Opens room ``bench-<i>`` (users a and b, each with its own offer POST): placed on the
    least loaded server through the Redis registry, as the app's proxy does."""

    def __init__(
        self, redis, secret: str, session: aiohttp.ClientSession, sources, direction: str
    ) -> None:
        self.redis, self.secret, self.session = redis, secret, session
        self.sources, self.direction = sources, direction

    async def open_room(self, i: int) -> list[tuple[ClientPeer, str]]:
        """Returns each peer with the user it receives from."""
        from .peers import ClientPeer

        room_id = f"bench-{i}"
        if not self.redis.exists(rooms.room_key(room_id)):
            rooms.create_room(self.redis, room_id=room_id, capacity=2)
        server = await asyncio.to_thread(registry.place, self.redis, room_id)
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


async def first_frames_ms(peers: list[tuple[ClientPeer, str]]) -> list[float]:
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


def lag_figures(lags: list[float]) -> dict:
    """p95 and max of a client process's loop lags (ms) over one window."""
    if not lags:
        return {"p95": None, "max": None}
    return {"p95": round(percentile(lags, 95), 1), "max": round(max(lags), 1)}


class ClientProcess:
    """What one client process holds: its open rooms, by number."""

    def __init__(self, opener: RoomOpener) -> None:
        self.opener = opener
        self.rooms: dict[int, list[tuple[ClientPeer, str]]] = {}
        self.marked: dict[int, list] = {}  # room -> its receivers' tracks, for snapshots
        self.lag = LoopLag(window_s=None)
        self.lag.start()

    async def handle(self, request: dict):
        op = request["op"]
        if op == "open":
            self.rooms[request["room"]] = await self.opener.open_room(request["room"])
            return {"opened": request["room"]}
        if op == "first_frames":
            return await first_frames_ms([pair for room in self.rooms.values() for pair in room])
        if op == "rejoin":
            await self.close_room(request["room"])
            peers = self.rooms[request["room"]] = await self.opener.open_room(request["room"])
            return await first_frames_ms(peers)
        if op == "close":
            await self.close_room(request["room"])
            return {"closed": request["room"]}
        if op == "snapshot":
            return self.snapshot(request.get("mark", False))
        raise ValueError(f"unknown op {op!r}")

    def snapshot(self, mark: bool) -> dict:
        if mark:
            self.marked = {
                i: [p.video_from(src) for p, src in peers] for i, peers in self.rooms.items()
            }
        return {
            "t": time.monotonic(),
            "frames": {
                str(i): [t.frames if t else 0 for t in tracks] for i, tracks in self.marked.items()
            },
            "cpu_seconds": cpu_seconds(os.getpid()),
            "udp_drops": udp_drops([os.getpid()]),
            "feedback": {key: forwarding.stats[key] for key in FEEDBACK},
            "real_decoders": forwarding.stats["real_decoders"],
            "loop_lag_ms": lag_figures(self.lag.take()),
            "connections_lost": sum(
                1
                for peers in self.rooms.values()
                for peer, _ in peers
                if peer.pc.connectionState in ("failed", "closed")
            ),
        }

    async def close_room(self, i: int) -> None:
        for peer, _ in self.rooms.pop(i, []):
            await peer.close()

    async def close(self) -> None:
        self.lag.stop()
        for i in list(self.rooms):
            await self.close_room(i)


async def _serve(socket_path: str, secret: str, options: dict) -> None:
    import aiohttp

    from .peers import ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8

    fps, audio_on = options["fps"], options["audio"]
    video = encode_vp8(frames=60, width=640, height=480, fps=fps)
    audio = encode_opus(packets=50)

    def sources() -> list:
        return [ReplayVideoTrack(video, fps=fps)] + ([ReplayAudioTrack(audio)] if audio_on else [])

    loop = asyncio.get_running_loop()
    redis = redis_lib.Redis(unix_socket_path=socket_path)
    async with aiohttp.ClientSession() as session:
        process = ClientProcess(RoomOpener(redis, secret, session, sources, options["offer"]))
        print("ready", flush=True)
        try:
            while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
                print(json.dumps(await process.handle(json.loads(line))), flush=True)
        finally:
            await process.close()


class ClientProcessHandle:
    """The benchmark's side of one client process: ``await handle.call({"op": ...})``."""

    def __init__(self, socket_path: str, secret: str, options: dict) -> None:
        audio = "--audio" if options["audio"] else "--no-audio"
        self.args = [sys.executable, "-m", "bench.video_clients", socket_path, audio]
        self.args += ["--fps", str(options["fps"]), "--offer", options["offer"]]
        self.env = {**os.environ, "SECRET_KEY": secret}
        self.proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, env=self.env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        if (await self.proc.stdout.readline()).strip() != b"ready":
            raise RuntimeError("a client process did not start")

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def call(self, request: dict):
        async with self._lock:  # one request at a time: answers come back in order
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            await self.proc.stdin.drain()
            line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"client process {self.pid} ended")
        return json.loads(line)

    async def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.stdin and not self.proc.stdin.is_closing():
            self.proc.stdin.close()  # the process closes its peers and exits
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


@click.command()
@click.argument("socket_path")
@click.option("--fps", type=int, default=30)
@click.option("--audio/--no-audio", default=True)
@click.option("--offer", type=click.Choice(["sendrecv", "sendonly"]), default="sendrecv")
def main(socket_path: str, fps: int, audio: bool, offer: str) -> None:
    """Join rooms of the Redis at SOCKET_PATH with tokens signed by $SECRET_KEY."""
    logging.getLogger("aioice").setLevel(logging.WARNING)
    options = {"fps": fps, "audio": audio, "offer": offer}
    eventloop.run(_serve(socket_path, os.environ["SECRET_KEY"], options))


if __name__ == "__main__":  # python -m bench.video_clients (started by bench/video.py)
    main()
