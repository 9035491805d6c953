"""What a test asks of a peer in a call: was it hung up on (and told why), is it still in."""

from __future__ import annotations

import asyncio
import time

from bench.peers import ClientPeer

HANG_UP_TIMEOUT = 15
"""An upper bound, never a wait: the test goes on the moment the connection closes."""


async def hung_up(peer: ClientPeer) -> None:
    """Until the server has closed PEER's connection (or its control channel)."""

    async def closed() -> None:
        while (
            peer.pc.connectionState not in ("closed", "failed")
            and peer.channel.readyState == "open"
        ):
            await asyncio.sleep(0.05)

    await asyncio.wait_for(closed(), HANG_UP_TIMEOUT)


async def hung_up_on(peer: ClientPeer, reason: str) -> None:
    """PEER was told ``closed`` with REASON, then hung up on."""
    closed = await peer.wait_message(lambda m: m["type"] == "closed")
    assert closed["reason"] == reason
    await hung_up(peer)


async def still_in_call(peer: ClientPeer) -> None:
    """The server still answers PEER on its control channel, over a live connection."""
    ts = time.monotonic()
    peer.send({"type": "ping", "ts": ts})
    await peer.wait_message(lambda m: m["type"] == "pong" and m["ts"] == ts)
    assert peer.pc.connectionState == "connected"
