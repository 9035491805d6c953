"""What may not get into a room: offers that cannot be negotiated (one check for rooms and
WHIP), oversized bodies, tokens whose holder lost access; and what happens to the people in a
room the app closes. Real aiortc offers against the real media server."""

from __future__ import annotations

import asyncio
import re

import aiohttp
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack

from bench.peers import ClientPeer
from video import rooms
from video.broadcast import tokens as broadcast_tokens

from .calls import hung_up
from .conftest import SECRET
from .test_broadcast_whip import STORAGE_KEY, broadcast_server, whip_url  # noqa: F401 (fixture)


async def real_offer() -> str:
    """A complete offer as aiortc (or a browser) makes it: audio, the control channel,
    fingerprint, ICE credentials and candidates."""
    pc = RTCPeerConnection()
    pc.createDataChannel("control")
    pc.addTransceiver("audio")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


def without(sdp: str, *attributes: str) -> str:
    return "".join(
        line
        for line in sdp.splitlines(keepends=True)
        if not any(line.startswith(f"a={a}") for a in attributes)
    )


def unusable_offers(sdp: str) -> dict[str, str]:
    """Offers aiortc used to answer, each with the words of the 400 it gets now."""
    return {
        "fingerprint": without(sdp, "fingerprint"),
        "ice-ufrag": without(sdp, "ice-ufrag", "ice-pwd"),
        "no usable media": "v=0\r\n",
        "no usable media ": re.sub(r"^m=(\w+) \d+", r"m=\1 0", sdp, flags=re.M),  # all rejected
    }


def test_offers_that_cannot_be_negotiated_are_refused_before_anyone_joins(
    server, make_room, token_for, run
):
    room = make_room()
    url = f"{server.url}/video/rooms/{room.room_id}/offer"

    async def scenario():
        sdp = await real_offer()
        async with aiohttp.ClientSession() as s:
            for words, bad in unusable_offers(sdp).items():
                body = {"sdp": bad, "type": "offer", "token": token_for(room.room_id, "u")}
                async with s.post(url, json=body) as r:
                    answer = await r.json()
                    assert r.status == 400, (words, answer)
                    assert answer["error"] == "bad_request" and words.strip() in answer["message"]
            # Too big: 413 in the contract's JSON, for the whole body and for the SDP alone.
            async with s.post(url, data=b"x" * (2 * 1024 * 1024)) as r:
                assert (r.status, (await r.json())["error"]) == (413, "too_large")
            padded = sdp + "a=x-padding:" + "x" * 70_000 + "\r\n"
            body = {"sdp": padded, "type": "offer", "token": token_for(room.room_id, "u")}
            async with s.post(url, json=body) as r:
                assert (r.status, (await r.json())["error"]) == (413, "too_large")
            # The untouched offer joins.
            body = {"sdp": sdp, "type": "offer", "token": token_for(room.room_id, "u")}
            async with s.post(url, json=body) as r:
                assert r.status == 200

    run(scenario())
    assert server.sfu.status()["participants"] == 1


def test_whip_refuses_the_same_offers_and_starts_nothing(broadcast_server, tmp_path, run):  # noqa: F811
    token = broadcast_tokens.issue(SECRET, 7, STORAGE_KEY, 600)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sdp"}

    async def scenario():
        pc = RTCPeerConnection()
        pc.addTransceiver("audio", direction="sendonly")
        pc.addTransceiver("video", direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        sdp = pc.localDescription.sdp
        await pc.close()
        async with aiohttp.ClientSession() as s:
            for words, bad in unusable_offers(sdp).items():
                async with s.post(whip_url(broadcast_server), data=bad, headers=headers) as r:
                    text = await r.text()
                    assert r.status == 400, (words, text)
                    assert words.strip() in text
            padded = sdp + "a=x-padding:" + "x" * 70_000 + "\r\n"
            async with s.post(whip_url(broadcast_server), data=padded, headers=headers) as r:
                assert r.status == 413

    run(scenario())
    assert broadcast_server.call(_sessions(broadcast_server)) == 0
    assert not (tmp_path / STORAGE_KEY).exists()  # no packager started either


async def _sessions(handle) -> int:
    from video.broadcast.whip import BROADCASTS_KEY

    return len(handle.app[BROADCASTS_KEY].sessions)


def test_a_listed_room_takes_only_tokens_whose_holder_keeps_access(
    server, redis, make_room, token_for, run
):
    room = rooms.create_room(redis, kind="interview", capacity=4, listed=True)
    url = f"{server.url}/video/rooms/{room.room_id}/offer"

    async def offer(user: str) -> tuple[int, dict]:
        body = {"sdp": await real_offer(), "type": "offer", "token": token_for(room.room_id, user)}
        async with aiohttp.ClientSession() as s, s.post(url, json=body) as r:
            return r.status, await r.json()

    async def scenario():
        status, body = await offer("7")  # a valid token, but the app never let 7 in
        assert (status, body["error"]) == (403, "forbidden") and "access" in body["message"]
        rooms.grant(redis, room.room_id, "7", 60, room.expires_at)
        assert (await offer("7"))[0] == 200
        rooms.grant(redis, room.room_id, "8", -1, room.expires_at)  # a lease that ran out
        assert (await offer("8"))[0] == 403
        rooms.revoke(redis, room.room_id, "7", "removed")
        assert (await offer("7"))[0] == 403

    run(scenario())


def test_people_in_a_room_the_app_closes_are_told_why_and_hung_up_on(
    server, make_room, token_for, run
):
    room = make_room()
    url = f"{server.url}/video/rooms/{room.room_id}/offer"

    async def scenario():
        alice = ClientPeer("alice", [AudioStreamTrack()])
        bob = ClientPeer("bob", [AudioStreamTrack()])
        for peer in (alice, bob):
            assert await peer.join(url, token_for(room.room_id, peer.user)) == 200
            await peer.wait_message(lambda m: m["type"] == "welcome")
        rooms.close_room(server.settings.redis_client(), room.room_id, "ended")
        for peer in (alice, bob):
            closed = await peer.wait_message(lambda m: m["type"] == "closed")
            assert closed["reason"] == "ended"
        # The server hangs up just after: both connections close on its side.
        await asyncio.gather(*(hung_up(peer) for peer in (alice, bob)))
        for peer in (alice, bob):
            await peer.close()

    run(scenario())
    assert server.sfu.status()["participants"] == 0
    assert room.room_id not in server.sfu.rooms
