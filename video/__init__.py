"""Yunpin video: an aiortc media server (SFU) with HTTP + data-channel signaling.

Nothing here imports Flask. The Flask app creates rooms in Redis (:mod:`video.rooms`),
issues tokens (:mod:`video.tokens`) and proxies ``POST /video/rooms/<id>/offer`` to the
media server (:mod:`video.server`), which runs in its own asyncio process or thread.
"""
