"""The steady joins of ``yunpin bench video`` from a client process of their own.

Somebody joining a busy media server joins from their own device, not from a process that also
runs the other rooms' 38 peers: measured from that shared process, the joiner's ICE and DTLS
steps queued behind the other peers' packets in the same event loop, and that queueing, not
the server, made most of a steady join's first frame (docs/benchmarks/video.md). This process
runs only the joining peers, on the same cores as everything else.

Protocol (lines on stdin/stdout): it prints ``ready`` once its media is encoded; then, for each
room number ``i`` read from stdin, it opens room ``bench-<i>`` (users a and b, one after the
other, as the main process does) and prints a JSON list of the receivers' first frames in ms
(each from its own offer POST). It keeps the rooms open until stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys

import aiohttp
import click
import redis as redis_lib

from video import eventloop


class _RedisOnly:
    """What ``_Run`` needs of the media servers: the Redis they are registered in."""

    def __init__(self, socket_path: str) -> None:
        self.redis = redis_lib.Redis(unix_socket_path=socket_path)


async def _serve(socket_path: str, secret: str, options: dict) -> None:
    from .peers import ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8
    from .video import _first_frames_ms, _Run

    fps = options["fps"]
    video = encode_vp8(frames=60, width=640, height=480, fps=fps)
    audio = encode_opus(packets=50)

    def sources() -> list:
        audio_on = options["audio"]
        return [ReplayVideoTrack(video, fps=fps)] + ([ReplayAudioTrack(audio)] if audio_on else [])

    loop = asyncio.get_running_loop()
    opened = []
    async with aiohttp.ClientSession() as session:
        run = _Run(_RedisOnly(socket_path), secret, session, sources, options["offer"])
        print("ready", flush=True)
        try:
            while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
                peers = await run.open_room(int(line))
                opened.append(peers)
                print(json.dumps(await _first_frames_ms(peers)), flush=True)
        finally:
            for room in opened:
                for peer, _ in room:
                    await peer.close()


@click.command()
@click.argument("socket_path")
@click.option("--fps", type=int, default=30)
@click.option("--audio/--no-audio", default=True)
@click.option("--offer", type=click.Choice(["sendrecv", "sendonly"]), default="sendrecv")
def main(socket_path: str, fps: int, audio: bool, offer: str) -> None:
    """Join rooms of the Redis at SOCKET_PATH with tokens signed by $SECRET_KEY."""
    import logging
    import os

    secret = os.environ["SECRET_KEY"]

    logging.getLogger("aioice").setLevel(logging.WARNING)
    eventloop.run(_serve(socket_path, secret, {"fps": fps, "audio": audio, "offer": offer}))


if __name__ == "__main__":  # python -m bench.joiner (started by bench/video.py)
    main()
