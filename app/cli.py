"""The ``yunpin`` command: Flask's click group with the product's own commands.

``yunpin run`` is the one-laptop mode: it migrates, loads demo data once, starts the
embedded Redis, an RQ worker process and the media server, and serves on port 5000.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from app.extensions import db
from app.indexing.cli import search_cli
from app.media.service import start_embedded as start_embedded_media
from app.regions.cli import regions_cli
from bench.cli import bench_group, eval_group, video_bench_command
from video.cli import video_cli


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """Yunpin (云聘): cloud recruitment for job seekers, employers and regions."""
    click.get_current_context().meta["video.settings_factory"] = _video_settings


def _video_settings():
    """`yunpin video ...` runs with the app's Redis, SECRET_KEY and ICE servers."""
    from flask.cli import ScriptInfo

    from app.media.service import settings_for
    from video.settings import DEFAULT_PORT

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    return settings_for(app, port=int(os.environ.get("VIDEO_PORT", DEFAULT_PORT)))


main.add_command(shell_command)
main.add_command(routes_command)
main.add_command(regions_cli, "regions")
main.add_command(video_cli, "video")
main.add_command(search_cli, "search")


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="Do not load demo data into an empty database.")
@with_appcontext
def run_command(host: str, port: int, no_demo: bool) -> None:
    """Migrate, load demo data once, start the worker and serve the whole product."""
    from flask_migrate import upgrade

    app = current_app._get_current_object()
    upgrade()
    if not no_demo:
        from app.demo import is_loaded, load

        if not is_loaded():
            click.echo("Loading demo data (first run only)…")
            load()
    build_search_index_if_empty()
    worker = start_embedded_worker(app)
    media = start_embedded_media(app)
    from app.identity.tasks import ensure_scheduled

    ensure_scheduled(app)  # daily deletion of identity snapshots past their retention
    try:
        click.echo(f"Yunpin is running on http://{host}:{port}/")
        # Debug mode shows the mail outbox at /dev/outbox (reset links!): only for a server
        # nobody else can reach. The interactive debugger stays off.
        app.debug = not app.config["PRODUCTION"] and is_loopback(host)
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        if media is not None:
            media.stop()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def build_search_index_if_empty() -> None:
    """Index the database once on a fresh instance, before the worker takes the writer,
    so the first search has results. Later changes reach the index through the queue."""
    from app.indexing import service as search_index
    from app.indexing.cli import index_is_empty, rebuild
    from search import SearchUnavailable

    try:
        if index_is_empty(search_index.get_backend()):
            click.echo("Building the search index…")
            for kind in search_index.KINDS:
                rebuild(search_index.get_backend(), kind)
    except SearchUnavailable as exc:
        click.echo(f"Search index not built ({exc}); pages use the database meanwhile.")
    finally:
        search_index.close_backend()


def redis_url_for_children(app: Flask) -> str:
    """The URL a child process uses to reach this app's Redis (embedded: its unix socket)."""
    from app.redis_store import get_redis

    if app.config["REDIS_URL"]:
        return app.config["REDIS_URL"]
    return f"unix://{get_redis(app).socket_file}"


def start_embedded_worker(app: Flask) -> subprocess.Popen | None:
    """An ``rq worker`` process (with the scheduler) sharing this app's Redis and settings."""
    from app.queue import queue_names

    if not app.config["RQ_EMBEDDED_WORKER"]:
        return None
    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or shutil.which("rq")
    url = redis_url_for_children(app)
    env = {**os.environ, "REDIS_URL": url, "YUNPIN_INSTANCE": app.instance_path}
    return subprocess.Popen(
        [rq, "worker", "--with-scheduler", "--url", url, *queue_names(app)], env=env
    )


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data set (idempotent: running it twice changes nothing)."""
    from app.demo import load

    summary = load()
    click.echo(", ".join(f"{n} {name}" for name, n in summary.items()))


main.add_command(bench_group, "bench")
main.add_command(eval_group, "eval")
# `yunpin video bench` stays an alias of `yunpin bench video`; the video library itself
# never imports the benchmarks, so the alias is attached here.
video_cli.add_command(video_bench_command, "bench")


@main.command("check")
@with_appcontext
def check_command() -> None:
    """Check the books: every subsidy policy's committed amount equals the sum of its live
    claims. Prints what does not balance and exits 1 then."""
    from app.subsidies.service import budget_drift

    drift = budget_drift(db.session)
    for policy_id, committed, claimed in drift:
        click.echo(f"subsidy policy {policy_id}: committed {committed}, live claims {claimed}")
    if drift:
        raise SystemExit(1)
    click.echo("subsidy budgets balance")


@main.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A label for the token.")
@with_appcontext
def users_token(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from app.accounts.service import create_api_token
    from app.models import User

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(create_api_token(user, name))
    db.session.commit()
