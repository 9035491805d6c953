"""`yunpin chat serve`: one stream process (app.chat.stream)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

chat_cli = click.Group("chat", help="Conversations: the event stream server.")


@chat_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5090, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve GET /api/v1/events to many clients (several processes may share the port)."""
    from app.chat.stream import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo(f"Event stream on http://{host}:{port}/api/v1/events")
    serve(current_app._get_current_object(), host, port)
