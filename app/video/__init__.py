"""Video interviews in the web app: scheduling, the room pages, and the signaling proxy.

The media itself runs in ``video/`` (aiohttp + aiortc, its own event loop); this blueprint
only creates rooms, issues tokens to the people allowed in, and forwards the browser's
offer to the media server so everything is reachable on the app's one port.
"""

from flask import Blueprint

bp = Blueprint("video", __name__)

from app.video import identity, proxy, routes  # noqa: E402,F401
