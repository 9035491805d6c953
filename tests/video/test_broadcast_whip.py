"""WHIP ingest and HLS packaging: an aiortc WHIP publisher through the real media server,
the playlists read back and their segments decoded with PyAV."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import av
import pytest

from bench.whip import WhipError, WhipPublisher
from video.broadcast import tokens
from video.embedded import start_in_thread
from video.settings import VideoSettings

from .conftest import SECRET

STORAGE_KEY = "k3y-for-tests"
LISTING_TIMEOUT = 30
"""An upper bound for segments to be listed, never a wait: the test goes on when they are."""


@pytest.fixture()
def broadcast_server(redis, tmp_path):
    settings = VideoSettings(
        secret=SECRET, redis=redis, host="127.0.0.1", port=0, broadcast_dir=str(tmp_path)
    )
    handle = start_in_thread(settings)
    yield handle
    handle.stop()


def whip_url(server, broadcast_id=7):
    return f"{server.url}/video/broadcasts/{broadcast_id}/whip"


def segments(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


async def wait_for_segments(folder: Path, count: int) -> list[str]:
    deadline = time.monotonic() + LISTING_TIMEOUT
    while time.monotonic() < deadline:
        live = folder / "live.m3u8"
        if live.exists() and len(listed := segments(live.read_text())) >= count:
            return listed
        await asyncio.sleep(0.2)
    raise AssertionError(f"fewer than {count} segments listed in {LISTING_TIMEOUT} s")


@pytest.mark.parametrize("codec", ["H264", "VP8"])
def test_whip_publisher_gets_a_playable_hls_stream(broadcast_server, tmp_path, run, codec):
    """H.264 is passed through, VP8 transcoded once; both end as H.264 + AAC segments."""
    token = tokens.issue(SECRET, 7, STORAGE_KEY, 600)
    folder = tmp_path / STORAGE_KEY

    async def scenario():
        publisher = WhipPublisher(whip_url(broadcast_server), token, codec=codec)
        await publisher.start()
        assert "/video/broadcasts/7/whip/" in publisher.location
        listed = await wait_for_segments(folder, 2)
        assert await publisher.stop() == 200
        return listed

    listed = run(scenario())
    video = av.open(str(folder / listed[1]))
    pictures = list(video.decode(video=0))
    assert video.streams.video[0].codec_context.name == "h264"
    assert 30 <= len(pictures) <= 140  # a 2-4 s segment at 30 fps
    assert (pictures[0].width, pictures[0].height) == (640, 480)
    # A real picture, not a grey field: the synthetic camera's gradient spans many values.
    assert pictures[0].to_ndarray(format="gray").std() > 20
    sound = av.open(str(folder / listed[1].replace("v", "a")))
    samples = [frame.to_ndarray() for frame in sound.decode(audio=0)]
    assert sound.streams.audio[0].codec_context.name == "aac"
    assert len(samples) > 40 and max(abs(s).max() for s in samples) > 0.05  # the 440 Hz tone

    # DELETE ended the broadcast: every playlist says so, the replay lists every segment.
    deadline = time.monotonic() + LISTING_TIMEOUT
    while "#EXT-X-ENDLIST" not in (folder / "live.m3u8").read_text():
        assert time.monotonic() < deadline, "live playlist never ended"
        time.sleep(0.1)
    replay = (folder / "replay.m3u8").read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in replay and replay.rstrip().endswith("#EXT-X-ENDLIST")
    assert segments(replay)[: len(listed)] == listed
    assert "#EXT-X-ENDLIST" in (folder / "audio.m3u8").read_text()
    assert not list(folder.glob("*.tmp"))


def test_whip_refuses_without_a_valid_token_or_sdp(broadcast_server, run):
    async def scenario():
        sdp = "v=0\r\n"
        async with aiohttp.ClientSession() as http:
            plain = {"Content-Type": "application/sdp"}
            async with http.post(whip_url(broadcast_server), data=sdp, headers=plain) as r:
                assert r.status == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
            other = tokens.issue(SECRET, 8, STORAGE_KEY, 600)  # another broadcast's token
            headers = {**plain, "Authorization": f"Bearer {other}"}
            async with http.post(whip_url(broadcast_server), data=sdp, headers=headers) as r:
                assert r.status == 401
            good = {"Authorization": f"Bearer {tokens.issue(SECRET, 7, STORAGE_KEY, 600)}"}
            json_body = {**good, "Content-Type": "application/json"}
            async with http.post(whip_url(broadcast_server), data="{}", headers=json_body) as r:
                assert r.status == 415
            sdp_type = {**good, "Content-Type": "application/sdp"}
            async with http.post(whip_url(broadcast_server), data="hello", headers=sdp_type) as r:
                assert r.status == 400
            end = f"{broadcast_server.url}/video/broadcasts/7/whip/nosuchsession"
            async with http.delete(end, headers=good) as r:
                assert r.status == 404
            async with http.patch(end, headers=good) as r:
                assert r.status == 405  # no trickle ICE: the answer carries every candidate

    run(scenario())


def test_an_expired_token_is_refused(broadcast_server, run):
    token = tokens.issue(SECRET, 7, STORAGE_KEY, 1)
    time.sleep(1.1)

    async def scenario():
        publisher = WhipPublisher(whip_url(broadcast_server), token)
        with pytest.raises(WhipError) as refused:
            await publisher.start()
        await publisher.pc.close()
        return refused.value.status

    assert run(scenario()) == 401
