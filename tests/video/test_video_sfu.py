"""Real aiortc peers through the real media server (HTTP signaling + data channel)."""

from __future__ import annotations

import aiohttp
from aiortc.mediastreams import AudioStreamTrack

from bench.peers import ClientPeer, SyntheticVideoTrack

FRAMES_TIMEOUT = 30
"""An upper bound for media to arrive, never a wait: a loaded machine (the whole suite on two
cores) takes seconds for DTLS and renegotiation, and the test goes on the moment frames do."""


def offer_url(server, room_id):
    return f"{server.url}/video/rooms/{room_id}/offer"


def test_two_peers_exchange_decodable_video_then_third_joins_and_one_leaves(
    server, make_room, token_for, run
):
    room = make_room()

    async def scenario():
        alice = ClientPeer("alice", [SyntheticVideoTrack(), AudioStreamTrack()])
        bob = ClientPeer("bob", [SyntheticVideoTrack(), AudioStreamTrack()])
        assert (
            await alice.join(offer_url(server, room.room_id), token_for(room.room_id, "alice"))
            == 200
        )
        await alice.wait_message(lambda m: m["type"] == "welcome")
        assert (
            await bob.join(offer_url(server, room.room_id), token_for(room.room_id, "bob")) == 200
        )

        a_from_b = await alice.wait_frames("bob", count=10, timeout=FRAMES_TIMEOUT)
        b_from_a = await bob.wait_frames("alice", count=10, timeout=FRAMES_TIMEOUT)
        await alice.wait_frames("bob", kind="audio", count=10, timeout=FRAMES_TIMEOUT)
        # The clients decode (they are not pass-through): real pictures at the sent size.
        assert (a_from_b.last.width, a_from_b.last.height) == (320, 240)
        assert (b_from_a.last.width, b_from_a.last.height) == (320, 240)
        welcome = await bob.wait_message(lambda m: m["type"] == "welcome")
        assert [p["user"] for p in welcome["participants"]] == ["alice"]
        await alice.wait_message(
            lambda m: m["type"] == "presence" and m["user"] == "bob" and m["state"] == "joined"
        )

        # A third participant: everyone renegotiates and receives the newcomer.
        carol = ClientPeer("carol", [SyntheticVideoTrack(), AudioStreamTrack()])
        assert (
            await carol.join(offer_url(server, room.room_id), token_for(room.room_id, "carol"))
            == 200
        )
        await carol.wait_frames("alice", count=5, timeout=FRAMES_TIMEOUT)
        await carol.wait_frames("bob", count=5, timeout=FRAMES_TIMEOUT)
        await alice.wait_frames("carol", count=5, timeout=FRAMES_TIMEOUT)
        await bob.wait_frames("carol", count=5, timeout=FRAMES_TIMEOUT)

        # Chat, mute state and screen-share hand-over go over the data channel.
        alice.send({"type": "chat", "text": "你好"})
        chat = await carol.wait_message(lambda m: m["type"] == "chat")
        assert chat == {**chat, "user": "alice", "text": "你好"}
        bob.send({"type": "mute", "audio": False})
        mute = await alice.wait_message(lambda m: m["type"] == "mute")
        assert (mute["user"], mute["audio"], mute["video"]) == ("bob", False, True)
        alice.send({"type": "screenshare", "active": True})
        await bob.wait_message(lambda m: m["type"] == "screenshare" and m["user"] == "alice")
        bob.send({"type": "screenshare", "active": True})
        handover = await alice.wait_message(
            lambda m: m["type"] == "screenshare" and m["user"] == "bob"
        )
        assert handover["previous"] == "alice"

        # Bob leaves: the others are told and keep receiving each other.
        bob.send({"type": "bye"})
        await alice.wait_message(
            lambda m: m["type"] == "presence" and m["user"] == "bob" and m["state"] == "left"
        )
        await carol.wait_message(
            lambda m: m["type"] == "presence" and m["user"] == "bob" and m["state"] == "left"
        )
        await alice.wait_more_frames("carol", 10)
        await bob.close()
        status = server.sfu.status()
        assert status["participants"] == 2
        for peer in (alice, carol):
            await peer.close()

    run(scenario())


def test_signaling_errors(server, make_room, token_for, run):
    room = make_room(capacity=1)
    url = offer_url(server, room.room_id)

    async def scenario():
        async with aiohttp.ClientSession() as s:

            async def post(u, **kw):
                async with s.post(u, **kw) as r:
                    return r.status, await r.json()

            # malformed input -> 400 with a JSON error, never 500
            for kwargs in (
                {"data": b"not json"},
                {"json": ["a list"]},
                {"json": {"type": "offer", "token": "x"}},
                {"json": {"sdp": "v=0\r\n", "type": "answer", "token": "x"}},
                {"json": {"sdp": "v=0\r\n", "type": "offer"}},
            ):
                status, body = await post(url, **kwargs)
                assert status == 400, (kwargs, body)
                assert body["error"] == "bad_request" and body["message"]
            # a syntactically fine request with a garbage SDP is also a 400
            for garbage in ("v=0\r\ngarbage", "v=0\r\nm=video garbage\r\n"):
                status, body = await post(
                    url,
                    json={"sdp": garbage, "type": "offer", "token": token_for(room.room_id, "x")},
                )
                assert status == 400, body
            # bad / expired / other-room token -> 403
            sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
            assert (await post(url, json={"sdp": sdp, "type": "offer", "token": "nope"}))[0] == 403
            expired = token_for(room.room_id, "u", ttl=-1)
            status, body = await post(url, json={"sdp": sdp, "type": "offer", "token": expired})
            assert status == 403 and "expired" in body["message"]
            assert (
                await post(
                    url, json={"sdp": sdp, "type": "offer", "token": token_for("other", "u")}
                )
            )[0] == 403
            # unknown room -> 404
            status, body = await post(
                offer_url(server, "nosuchroom"),
                json={"sdp": sdp, "type": "offer", "token": token_for("nosuchroom", "u")},
            )
            assert status == 404 and body["error"] == "room_not_found"

        # full room -> 409 (capacity 1); the same user re-offering is a reconnect, not a 409
        first = ClientPeer("first", [SyntheticVideoTrack()])
        assert await first.join(url, token_for(room.room_id, "first")) == 200
        second = ClientPeer("second", [SyntheticVideoTrack()])
        assert await second.join(url, token_for(room.room_id, "second")) == 409
        again = ClientPeer("first", [SyntheticVideoTrack()])
        assert await again.join(url, token_for(room.room_id, "first")) == 200
        for p in (first, second, again):
            await p.close()

    run(scenario())


def test_reconnect_with_same_token_replaces_the_connection(server, make_room, token_for, run):
    """ICE restart as the client does it: a new offer over HTTP with the same token."""
    room = make_room(capacity=2)
    url = offer_url(server, room.room_id)

    async def scenario():
        alice = ClientPeer("alice", [SyntheticVideoTrack()])
        bob = ClientPeer("bob", [SyntheticVideoTrack()])
        bob_token = token_for(room.room_id, "bob")
        assert await alice.join(url, token_for(room.room_id, "alice")) == 200
        await alice.wait_message(lambda m: m["type"] == "welcome")
        assert await bob.join(url, bob_token) == 200
        await alice.wait_frames("bob", count=5, timeout=FRAMES_TIMEOUT)

        # Bob's network "fails": he re-offers from a new connection with the same token.
        bob_again = ClientPeer("bob", [SyntheticVideoTrack()])
        assert await bob_again.join(url, bob_token) == 200  # not 409: same user
        await bob_again.wait_frames("alice", count=5, timeout=FRAMES_TIMEOUT)
        # Alice's slot now carries the new bob: his frames keep coming after the switch.
        await alice.wait_more_frames("bob", 10)
        assert server.sfu.status()["participants"] == 2
        for p in (alice, bob, bob_again):
            await p.close()

    run(scenario())
