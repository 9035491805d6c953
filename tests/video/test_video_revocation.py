"""Access revoked in a listed room ends that person's call at once, and only theirs: real
aiortc peers against the real media server, the revocation written to Redis as the app does."""

from __future__ import annotations

from aiortc.mediastreams import AudioStreamTrack

from bench.peers import ClientPeer
from video import rooms

from .calls import hung_up_on, still_in_call

FRAMES_TIMEOUT = 30
"""An upper bound for media to arrive, never a wait."""


def test_a_revoked_participant_is_told_why_and_hung_up_while_the_others_stay(
    server, redis, token_for, run
):
    room = rooms.create_room(redis, kind="interview", capacity=4, listed=True)
    url = f"{server.url}/video/rooms/{room.room_id}/offer"

    async def join(user: str) -> ClientPeer:
        peer = ClientPeer(user, [AudioStreamTrack()])
        rooms.grant(redis, room.room_id, user, 60, room.expires_at)
        assert await peer.join(url, token_for(room.room_id, user)) == 200
        await peer.wait_message(lambda m: m["type"] == "welcome")
        return peer

    async def scenario():
        alice, bob = await join("alice"), await join("bob")

        rooms.revoke(redis, room.room_id, "alice", "removed")
        await hung_up_on(alice, "removed")
        await bob.wait_message(
            lambda m: m["type"] == "presence" and m["user"] == "alice" and m["state"] == "left"
        )
        await still_in_call(bob)
        assert (
            await ClientPeer("alice", [AudioStreamTrack()]).join(
                url, token_for(room.room_id, "alice")
            )
            == 403
        )  # the same token cannot come back

        # Let in again (re-added to the company): the new call carries media to bob...
        alice_again = await join("alice")
        await bob.wait_frames("alice", kind="audio", count=5, timeout=FRAMES_TIMEOUT)
        # ...and survives the old revocation, which the server reads again with bob's.
        rooms.revoke(redis, room.room_id, "bob", "erased")
        await hung_up_on(bob, "erased")
        await still_in_call(alice_again)
        assert not [m for m in alice_again.messages if m["type"] == "closed"]
        # The server writes bob's absence to Redis before it tells the room he left.
        await alice_again.wait_message(
            lambda m: m["type"] == "presence" and m["user"] == "bob" and m["state"] == "left"
        )
        assert rooms.present_users(redis, room.room_id) == {"alice"}
        for peer in (alice, bob, alice_again):
            await peer.close()

    run(scenario())
