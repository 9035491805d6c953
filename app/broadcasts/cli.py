"""``yunpin broadcast ...``: create a broadcast from the shell, serve the broadcast folder."""

from __future__ import annotations

import json
import os
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from app.broadcasts import service
from app.extensions import db
from app.models import utcnow


@click.group("broadcast")
def broadcast_cli() -> None:
    """Live broadcasts: WHIP ingest, HLS playback."""


@broadcast_cli.command("create")
@click.option("--title", required=True, help="What viewers see in the list.")
@click.option("--region", "region_code", default=None, help="Region code it is for (default: all).")
@click.option(
    "--starts-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
    default=None,
    help="Start, UTC (default: now).",
)
@with_appcontext
def create_command(title: str, region_code: str | None, starts_at: datetime | None) -> None:
    """Create a broadcast and print JSON {"broadcast_id", "whip_url", "token", "playback_url"}.

    Publish with any WHIP client (OBS, GStreamer's whipclientsink) at whip_url with
    "Authorization: Bearer <token>"; play playback_url (an HLS playlist)."""
    try:
        broadcast = service.create(
            db.session, title=title, region_code=region_code, starts_at=starts_at or utcnow()
        )
    except service.BroadcastError as error:
        with current_app.test_request_context():  # the message is translated lazily
            message = str(error)
        raise click.UsageError(message) from None
    db.session.commit()
    app = current_app
    click.echo(
        json.dumps(
            {
                "broadcast_id": broadcast.id,
                "whip_url": service.whip_url(broadcast),
                "token": service.publisher_token(app, broadcast),
                "playback_url": service.playback_url(app, broadcast),
            }
        )
    )


@broadcast_cli.command("serve-storage")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default BROADCAST_STORAGE_PORT (5080).")
@with_appcontext
def serve_storage(host: str, port: int | None) -> None:
    """Serve BROADCAST_DIR's playlists and segments at /hls/<key>/<file> (one process; run
    one per core on the same port: they share it). `yunpin run` starts them itself."""
    from video import eventloop
    from video.broadcast.storage_server import serve

    folder = current_app.config["BROADCAST_DIR"]
    os.makedirs(folder, exist_ok=True)
    eventloop.run(serve(folder, host, port or current_app.config["BROADCAST_STORAGE_PORT"]))
