"""The server forwards encoded frames: no decoder or encoder runs anywhere in the process."""

from __future__ import annotations

import pytest
from aiortc.codecs import h264, opus, vpx

from bench.peers import ClientPeer, ReplayAudioTrack, ReplayVideoTrack, encode_opus, encode_vp8
from video import forwarding


@pytest.fixture(scope="module")
def encoded():
    return encode_vp8(frames=30, width=640, height=480), encode_opus(packets=25)


def test_frames_arrive_undecoded_and_nothing_is_reencoded(
    server, make_room, token_for, run, monkeypatch, encoded
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
                user, [ReplayVideoTrack(video), ReplayAudioTrack(audio)], passthrough=True
            )
            assert await peer.join(url, token_for(room.room_id, user)) == 200
            await peer.wait_message(lambda m: m["type"] == "welcome")
            peers.append(peer)
        a, b = peers
        got = await a.wait_frames("b", count=30, timeout=30)
        await b.wait_frames("a", count=30, timeout=30)
        await b.wait_frames("a", kind="audio", count=30, timeout=30)
        assert got.undecoded == got.frames  # the client got encoded packets ...
        first = got.last
        assert bytes(first)  # ... with the payload intact
        for p in peers:
            await p.close()

    run(scenario())
    assert calls == [], f"codec work happened: {calls}"
    assert forwarding.stats["real_decoders"] == before["real_decoders"]
    # 2 server receivers (a/v) per peer + 2 per client, all pass-through
    assert forwarding.stats["passthrough_decoders"] - before["passthrough_decoders"] >= 8
    assert forwarding.stats["frames_forwarded"] - before["frames_forwarded"] > 100


def test_keyframe_detection():
    video = encode_vp8(frames=3, width=64, height=48)
    assert forwarding.is_keyframe("video/vp8", video[0])
    assert not forwarding.is_keyframe("video/vp8", video[1])
    assert forwarding.is_keyframe("video/h264", b"\x00\x00\x00\x01\x67abc")
    assert not forwarding.is_keyframe("video/h264", b"\x00\x00\x00\x01\x41abc")
    assert forwarding.is_keyframe("audio/opus", b"x")
