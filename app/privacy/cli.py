"""`yunpin privacy …`: run the erasure sweep by hand (a cron alternative to `yunpin run`'s chain)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("privacy")
def privacy_cli() -> None:
    """Privacy rights: account erasure and export expiry."""


@privacy_cli.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Erase accounts whose deletion grace period is over; delete expired exports."""
    from app.privacy.tasks import sweep

    result = sweep()
    click.echo(f"erased {result['erased']} accounts, expired {result['exports_expired']} exports")
