"""Yunpin video: an aiortc media server (SFU) with HTTP + data-channel signaling.

Nothing here imports Flask. The Flask app creates rooms in Redis (:mod:`video.rooms`),
issues tokens (:mod:`video.tokens`) and proxies ``POST /video/rooms/<id>/offer`` to the
media server, which runs in its own asyncio process or thread. Where each part lives:

- :mod:`video.http_app` — the aiohttp application (``create_app``): the signaling route,
  an identity room's result, health;
- :mod:`video.sfu` — rooms of participants and the forwarding between them
  (:mod:`video.forwarding` moves encoded frames without decoding them);
- :mod:`video.control` — the ``control`` data-channel messages after the first answer;
- :mod:`video.identity_room` — the liveness check an identity room runs
  (:mod:`video.liveness_check`, :mod:`video.face_detectors`);
- :mod:`video.embedded` — the server on a thread of another process (``start_in_thread``);
- :mod:`video.cli` — ``yunpin video serve`` / ``python -m video.cli serve``.
"""
