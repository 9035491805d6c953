"""The static server of the broadcast folder: only the packager's file names, the cache
headers a CDN obeys, playlists that follow their file, segments from memory."""

from __future__ import annotations

import os

from aiohttp.test_utils import TestClient, TestServer

from video.broadcast.storage_server import create_app

KEY = "AbCdEfGh1234"


def test_serves_playlists_and_segments_with_cache_headers(tmp_path, run):
    folder = tmp_path / KEY
    folder.mkdir()
    (folder / "live.m3u8").write_text("#EXTM3U\nv00000.ts\n")
    (folder / "v00000.ts").write_bytes(b"\x47" * 376)
    (folder / "v00001.ts.tmp").write_bytes(b"half")
    (tmp_path / "secret.txt").write_text("no")

    async def scenario():
        async with TestClient(TestServer(create_app(tmp_path))) as client:
            live = await client.get(f"/hls/{KEY}/live.m3u8")
            assert live.status == 200
            assert live.headers["Cache-Control"] == "public, max-age=1"
            assert live.headers["Access-Control-Allow-Origin"] == "*"
            assert live.content_type == "application/vnd.apple.mpegurl"
            segment = await client.get(f"/hls/{KEY}/v00000.ts")
            assert await segment.read() == b"\x47" * 376
            assert segment.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert segment.content_type == "video/mp2t"

            # A playlist rewritten (renamed into place) is served anew; an ended one is
            # cached longer, since it will not change again.
            ended = folder / "live.m3u8.tmp"
            ended.write_text("#EXTM3U\nv00000.ts\nv00001.ts\n#EXT-X-ENDLIST\n")
            os.replace(ended, folder / "live.m3u8")
            later = await client.get(f"/hls/{KEY}/live.m3u8")
            assert "v00001.ts" in await later.text()
            assert later.headers["Cache-Control"] == "public, max-age=3600"

            for path in (
                f"/hls/{KEY}/v00001.ts.tmp",  # being written
                f"/hls/{KEY}/v00009.ts",  # not there
                f"/hls/{KEY}/..%2Fsecret.txt",
                "/hls/short/live.m3u8",
                f"/hls/{KEY}/index.html",
            ):
                missing = await client.get(path)
                assert missing.status == 404, path

    run(scenario())
