"""Headless Chromium (fake camera) and an aiortc peer meet through room.js and the server.

The page is served by a tiny aiohttp app that also proxies POST /video/rooms/<id>/offer to
the media server, the way the Flask app does on port 5000.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiortc.mediastreams import AudioStreamTrack

from bench.peers import ClientPeer, SyntheticVideoTrack

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


async def start_page_server(media_url: str) -> tuple[web.AppRunner, str]:
    async def page(request):
        return web.FileResponse(Path(__file__).with_name("room_page.html"))

    async def room_js(request):
        return web.FileResponse(
            ROOT / "app/static/js/room.js", headers={"Content-Type": "text/javascript"}
        )

    async def proxy(request):
        async with (
            aiohttp.ClientSession() as s,
            s.post(
                f"{media_url}/video/rooms/{request.match_info['room_id']}/offer",
                data=await request.read(),
                headers={"Content-Type": "application/json"},
            ) as r,
        ):
            return web.Response(
                body=await r.read(), status=r.status, content_type="application/json"
            )

    app = web.Application()
    app.router.add_get("/", page)
    app.router.add_get("/static/js/room.js", room_js)
    app.router.add_post("/video/rooms/{room_id}/offer", proxy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_browser_and_aiortc_peer_see_each_other(server, make_room, token_for, run, viewport):
    from playwright.async_api import async_playwright

    room = make_room(kind="interview")

    async def scenario():
        runner, base = await start_page_server(server.url)
        peer = ClientPeer("interviewer", [SyntheticVideoTrack(), AudioStreamTrack()])
        try:
            assert (
                await peer.join(
                    f"{server.url}/video/rooms/{room.room_id}/offer",
                    token_for(room.room_id, "interviewer"),
                )
                == 200
            )
            await peer.wait_message(lambda m: m["type"] == "welcome")
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = await browser.new_page(viewport=viewport, is_mobile=viewport["width"] < 500)
                page.on("console", lambda m: print("console:", m.text))
                await page.goto(
                    f"{base}/?room={room.room_id}&token={token_for(room.room_id, 'candidate')}"
                )
                await page.wait_for_function("window.joined || window.joinError", timeout=15000)
                assert await page.evaluate("window.joinError || null") is None
                # The browser shows the aiortc peer's video ...
                await page.wait_for_function(
                    "window.events.some(e => e.type === 'welcome')", timeout=10000
                )
                try:
                    await page.wait_for_function(
                        "(() => { const v = document.querySelector('#remote video[data-user=\"interviewer\"]');"
                        " return v && v.videoWidth > 0; })()",
                        timeout=15000,
                    )
                except Exception as exc:
                    raise AssertionError(
                        await page.evaluate(
                            "JSON.stringify([window.events, document.getElementById('remote').innerHTML, window.room.pc.connectionState])"
                        )
                    ) from exc
                width = await page.evaluate("document.querySelector('#remote video').videoWidth")
                assert width == 320
                # ... and the aiortc peer decodes the browser's fake camera.
                try:
                    got = await peer.wait_frames("candidate", count=10, timeout=10)
                except TimeoutError as exc:
                    pubs = {
                        u: {k: len(pb.forwards) for k, pb in p.publishers.items()}
                        for st in server.sfu.rooms.values()
                        for u, p in st.participants.items()
                    }
                    raise AssertionError(
                        f"{pubs} {await page.evaluate('JSON.stringify(window.events.map(e=>e.type))')}"
                    ) from exc
                assert got.last.width > 0
                # Audio too: after the server's re-offer Chromium uses aiortc's payload types.
                await peer.wait_frames("candidate", kind="audio", count=10, timeout=10)
                # Chat from the browser reaches the peer over the data channel.
                await page.evaluate("window.room.sendChat('hello from chromium')")
                chat = await peer.wait_message(lambda m: m["type"] == "chat")
                assert chat["user"] == "candidate"
                await page.evaluate("window.room.setMuted(true)")
                mute = await peer.wait_message(lambda m: m["type"] == "mute")
                assert mute["audio"] is False
                events = await page.evaluate("window.events.map(e => e.type)")
                assert "welcome" in events
                await browser.close()
        finally:
            await peer.close()
            await runner.cleanup()

    run(scenario())


async def cap_bandwidth(server, room_id: str, user: str, bitrate: int) -> None:
    """Tell ``user``'s browser, as the server's receiver of its video, that only ``bitrate``
    bit/s get through (REMB), the way a congested uplink would, until cancelled."""
    from aiortc.rtp import RTCP_PSFB_APP, RtcpPsfbPacket, pack_remb_fci

    participant = server.sfu.rooms[room_id].participants[user]
    receiver = participant.publishers["video"].receiver
    receiver._RTCRtpReceiver__remote_bitrate_estimator = None  # only our estimate counts
    while True:
        ssrcs = [s.source for s in receiver.getSynchronizationSources()]
        remb = RtcpPsfbPacket(
            fmt=RTCP_PSFB_APP,
            ssrc=receiver._RTCRtpReceiver__rtcp_ssrc,
            media_ssrc=0,
            fci=pack_remb_fci(bitrate, ssrcs),
        )
        await receiver._send_rtcp(remb)
        await asyncio.sleep(0.3)


def test_browser_falls_back_to_audio_only_when_its_uplink_collapses(
    server, make_room, token_for, run
):
    """room.js's fallback: the estimated upstream bandwidth stays under 150 kbit/s, so it stops
    sending video, tells the room (mute video), and the call goes on with audio; when the
    estimate is back above 400 kbit/s, so is the video."""
    from playwright.async_api import async_playwright

    room = make_room(kind="interview")

    async def scenario():
        runner, base = await start_page_server(server.url)
        peer = ClientPeer("interviewer", [SyntheticVideoTrack(), AudioStreamTrack()])
        capping = None
        try:
            url = f"{server.url}/video/rooms/{room.room_id}/offer"
            assert await peer.join(url, token_for(room.room_id, "interviewer")) == 200
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = await browser.new_page()
                token = token_for(room.room_id, "candidate")
                await page.goto(f"{base}/?room={room.room_id}&token={token}")
                await page.wait_for_function("window.joined || window.joinError", timeout=30000)
                assert await page.evaluate("window.joinError || null") is None
                await peer.wait_frames("candidate", count=10, timeout=30)

                capping = asyncio.run_coroutine_threadsafe(
                    cap_bandwidth(server, room.room_id, "candidate", 60_000), server.loop
                )
                await page.wait_for_function(
                    "window.events.some(e => e.type === 'audio-only' && e.on)", timeout=60000
                )
                mute = await peer.wait_message(
                    lambda m: m["type"] == "mute" and m["user"] == "candidate", timeout=30
                )
                assert mute["video"] is False and mute["audio"] is True
                # Video stops (the sender has no track) while audio keeps flowing.
                await peer.wait_more_frames("candidate", 25, kind="audio")
                assert await page.evaluate(
                    "window.room.pc.getSenders().find(s => s.track === null) !== undefined"
                )

                # The uplink recovers: video comes back, and the room is told.
                capping.cancel()
                capping = asyncio.run_coroutine_threadsafe(
                    cap_bandwidth(server, room.room_id, "candidate", 3_000_000), server.loop
                )
                await page.wait_for_function(
                    "window.events.some(e => e.type === 'audio-only' && !e.on)", timeout=60000
                )
                unmute = await peer.wait_message(
                    lambda m: m["type"] == "mute" and m["user"] == "candidate" and m["video"],
                    timeout=30,
                )
                assert unmute["audio"] is True
                await peer.wait_more_frames("candidate", 10)
                await browser.close()
        finally:
            if capping is not None:
                capping.cancel()
            await peer.close()
            await runner.cleanup()

    run(scenario())
