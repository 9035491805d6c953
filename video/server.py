"""The media server: aiohttp signaling plus one aiortc peer connection per participant.

Where each part lives:

- :mod:`video.http_app` — the aiohttp application (``create_app``): the signaling route
  ``POST /video/rooms/<room_id>/offer``, an identity room's result, health;
- :mod:`video.sfu` — rooms of participants and the forwarding between them;
- :mod:`video.control` — the ``control`` data-channel messages after the first answer;
- :mod:`video.identity_room` — the liveness check an identity room runs;
- :mod:`video.embedded` — the server on a thread of another process (``start_in_thread``).

This module names the entry points the app and the CLI start the server with.
"""

from __future__ import annotations

from .embedded import ServerHandle, start_in_thread
from .http_app import create_app
from .sfu import SFU

__all__ = ["SFU", "ServerHandle", "create_app", "start_in_thread"]
