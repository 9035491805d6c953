"""``yunpin video ...``: run the media server, create ad-hoc rooms.

The app registers :data:`video_cli` under its own CLI. Commands get their settings from
:func:`get_settings`: a :class:`~video.settings.VideoSettings` placed in ``ctx.obj`` (or
anywhere up the context chain) wins, so the app can hand over its embedded Redis and
SECRET_KEY; otherwise settings come from the environment (SECRET_KEY, REDIS_URL,
VIDEO_ICE_SERVERS, ...).
"""

from __future__ import annotations

import json
import logging

import click

from . import rooms, tokens
from .settings import VideoSettings


def get_settings(ctx: click.Context | None = None) -> VideoSettings:
    ctx = ctx or click.get_current_context()
    settings = ctx.find_object(VideoSettings)
    if settings is None:
        factory = ctx.meta.get("video.settings_factory")
        settings = factory() if factory else VideoSettings.from_env()
    if not settings.secret:
        raise click.UsageError("SECRET_KEY is not set")
    return settings


@click.group("video")
def video_cli() -> None:
    """Video interviews and identity checks: the aiortc media server."""


@video_cli.command("serve")
@click.option(
    "--host", default=None, help="Interface to listen on (default VIDEO_HOST or 127.0.0.1)."
)
@click.option("--port", type=int, default=None, help="Port (default VIDEO_PORT or 8765).")
@click.option(
    "--advertise",
    default=None,
    help="URL the app reaches this server at (default VIDEO_ADVERTISE_URL or http://host:port).",
)
@click.option("--log-level", default="INFO", show_default=True)
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, advertise: str | None, log_level: str
) -> None:
    """Run one media-server process (one event loop: run one per core).

    Serves POST /video/rooms/<id>/offer, which the Flask app proxies to the server holding the
    room; registers itself in Redis with a heartbeat and leaves on SIGTERM/SIGINT.
    """
    import os

    from . import eventloop
    from .http_app import serve as serve_until_stopped

    settings = get_settings(ctx)
    settings.host = host or settings.host
    settings.port = port if port is not None else settings.port
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("aioice").setLevel(logging.WARNING)
    settings.redis_client().ping()
    eventloop.run(serve_until_stopped(settings, advertise or os.environ.get("VIDEO_ADVERTISE_URL")))


@video_cli.command("create-room")
@click.option(
    "--participants", "-n", type=int, default=2, show_default=True, help="Tokens to issue."
)
@click.option("--kind", type=click.Choice(rooms.KINDS), default="adhoc", show_default=True)
@click.option(
    "--ttl", type=int, default=3600, show_default=True, help="Room and token lifetime, seconds."
)
@click.pass_context
def create_room(ctx: click.Context, participants: int, kind: str, ttl: int) -> None:
    """Create a room and print JSON {"room_id": ..., "tokens": [...]} (one token per participant)."""
    settings = get_settings(ctx)
    if participants < 1:
        raise click.BadParameter("must be >= 1", param_hint="--participants")
    capacity = max(participants, settings.max_participants)
    room = rooms.create_room(
        settings.redis_client(), kind=kind, capacity=capacity, ttl_seconds=ttl, codec=settings.codec
    )
    issued = [
        tokens.issue_token(settings.secret, room.room_id, f"guest-{i + 1}", ttl)
        for i in range(participants)
    ]
    click.echo(json.dumps({"room_id": room.room_id, "tokens": issued}))


if __name__ == "__main__":  # python -m video.cli serve
    video_cli()
