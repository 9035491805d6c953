"""The server forwards RTP packets: no decoder or encoder runs anywhere in the process, and
what a client receives is byte for byte what the other client sent."""

from __future__ import annotations

import asyncio

import pytest
from aiortc.codecs import h264, opus, vpx

from bench.peers import ClientPeer, ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8
from video import forwarding, sfu


@pytest.fixture(scope="module")
def encoded():
    return encode_vp8(frames=30, width=640, height=480), encode_opus(packets=25)


@pytest.mark.parametrize("direction", ["sendrecv", "sendonly"])
def test_frames_arrive_undecoded_and_nothing_is_reencoded(
    server, make_room, token_for, run, monkeypatch, encoded, direction
):
    calls = []
    for cls in (vpx.Vp8Encoder, opus.OpusEncoder, h264.H264Encoder):
        monkeypatch.setattr(
            cls, "encode", lambda self, *a, _c=cls, **k: calls.append(_c.__name__) or ([], 0)
        )
    for cls in (vpx.Vp8Decoder, opus.OpusDecoder, h264.H264Decoder):
        monkeypatch.setattr(
            cls, "__init__", lambda self, *a, _c=cls, **k: calls.append(_c.__name__)
        )
    before = dict(forwarding.stats)
    video, audio = encoded
    room = make_room()
    url = f"{server.url}/video/rooms/{room.room_id}/offer"

    async def scenario():
        peers = []
        for user in ("a", "b"):
            peer = ClientPeer(
                user,
                [ReplayVideoTrack(video), ReplayAudioTrack(audio)],
                passthrough=True,
                direction=direction,
            )
            assert await peer.join(url, token_for(room.room_id, user)) == 200
            await peer.wait_message(lambda m: m["type"] == "welcome")
            peers.append(peer)
        a, b = peers
        got = await a.wait_frames("b", count=30, timeout=30)
        await b.wait_frames("a", count=30, timeout=30)
        await b.wait_frames("a", kind="audio", count=30, timeout=30)
        assert got.undecoded == got.frames  # the client got encoded frames ...
        assert bytes(got.last) in set(video)  # ... exactly as the other client sent them
        # The server estimates no bandwidth itself: it relays its subscribers' estimates.
        receivers = [
            pub.receiver
            for state in server.sfu.rooms.values()
            for p in state.participants.values()
            for pub in p.publishers.values()
        ]
        assert len(receivers) == 4
        assert all(r._RTCRtpReceiver__remote_bitrate_estimator is None for r in receivers)
        for _ in range(100):  # a receiver's first estimate takes a few seconds of media
            if forwarding.stats["remb_relayed"] > before["remb_relayed"]:
                break
            await asyncio.sleep(0.1)
        assert forwarding.stats["remb_relayed"] > before["remb_relayed"]
        # Offered sendrecv (addTrack, as room.js), the other party's media comes on the
        # client's own sections: a two-party room needs no server offer at all.
        offered = [p.user for p in peers if any(m["type"] == "offer" for m in p.messages)]
        assert offered == ([] if direction == "sendrecv" else ["a", "b"])
        for p in peers:
            await p.close()

    run(scenario())
    assert calls == [], f"codec work happened: {calls}"
    assert forwarding.stats["real_decoders"] == before["real_decoders"]
    # The clients' receivers (a/v, two each) reassemble frames without a decoder; the
    # server's forward packets and assemble none.
    assert forwarding.stats["passthrough_decoders"] - before["passthrough_decoders"] == 4
    assert forwarding.stats["packets_forwarded"] - before["packets_forwarded"] > 100


def test_media_directions_of_an_offer():
    sdp = (
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n"
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:3\r\na=recvonly\r\n"
    )
    assert sfu.media_directions(sdp) == [
        ("audio", "sendrecv"),
        ("video", "sendonly"),
        ("application", "sendrecv"),
        ("video", "recvonly"),
    ]


def test_keyframe_detection():
    video = encode_vp8(frames=3, width=64, height=48)
    assert forwarding.is_keyframe("video/vp8", video[0])
    assert not forwarding.is_keyframe("video/vp8", video[1])
    assert forwarding.is_keyframe("video/h264", b"\x00\x00\x00\x01\x67abc")
    assert not forwarding.is_keyframe("video/h264", b"\x00\x00\x00\x01\x41abc")
    assert forwarding.is_keyframe("audio/opus", b"x")
