"""The ``yunpin`` command: Flask's click group with the product's own commands.

``yunpin run`` is the one-laptop mode: it migrates, loads demo data once, starts the
embedded Redis, and supervises gunicorn, the RQ workers and the media servers
(`app.supervision`), serving on port 5000.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import socket
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from sqlalchemy import select

from app import ports
from app.broadcasts.cli import broadcast_cli
from app.chat.cli import chat_cli
from app.config import address_settings
from app.extensions import db
from app.indexing.cli import search_cli
from app.privacy.cli import privacy_cli
from app.ranking.cli import skills_cli, train_cli
from app.regions.cli import regions_cli
from app.supervision import Child
from bench.cli import VIDEO_BENCH, LazyGroup, bench_group, eval_group
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
main.add_command(privacy_cli, "privacy")
# `yunpin video bench` is an alias of `yunpin bench video`; the video library itself never
# imports the benchmarks, so the alias is attached here (imported when it runs).
main.add_command(
    LazyGroup(
        "video",
        commands=video_cli.commands,
        callback=video_cli.callback,
        help=video_cli.help,
        lazy={"bench": VIDEO_BENCH},
    )
)
main.add_command(search_cli, "search")
main.add_command(train_cli, "train")
main.add_command(skills_cli, "skills")
main.add_command(broadcast_cli, "broadcast")
main.add_command(chat_cli, "chat")


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Background worker processes (the first one keeps the search index).",
)
@click.option(
    "--web-processes",
    default=None,
    type=click.IntRange(1, 64),
    help="gunicorn processes (default: one per core).",
)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--debug",
    is_flag=True,
    help="Serve with the development server and its reloader (loopback only).",
)
@click.option("--no-demo", is_flag=True, help="Do not load demo data into an empty database.")
@with_appcontext
def run_command(
    host: str,
    port: int,
    workers: int,
    web_processes: int | None,
    threads: int,
    debug: bool,
    no_demo: bool,
) -> None:
    """Migrate, load demo data once, and run the whole product: the web server, background
    workers and the media server, restarted if they die and all stopped by Ctrl-C or SIGTERM."""
    from flask_migrate import upgrade

    from app import batching
    from app.redis_store import shutdown_embedded
    from app.supervision import Supervisor

    app = current_app._get_current_object()
    if debug and not is_loopback(host):
        raise click.UsageError("--debug serves the development server: loopback hosts only")
    if clashes := ports.problems(ports.planned(app, host, port)):
        raise click.UsageError("; ".join(clashes))
    # Links in mail point where this run serves: the demo's mail, sent from here, too.
    app.config.update(address_settings(app.config["PUBLIC_URL"] or served_url(host, port)))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    upgrade()
    if not no_demo:
        from app.demo import is_loaded, load

        if not is_loaded():
            click.echo("Loading demo data (first run only)…")
            load()
    build_search_index_if_needed()
    env = child_env(app, local=not app.config["PRODUCTION"] and is_loopback(host))
    env["PUBLIC_URL"] = app.config["PUBLIC_URL"]
    streams = stream_children(app, env, host, port)
    children = [web_child(app, env, host, port, web_processes, threads, debug)]
    if app.config["RQ_EMBEDDED_WORKER"]:
        children += worker_children(app, env, workers)
        children.append(Child("cron", [yunpin_script(), "cron"], env, cwd=CODE_ROOT))
    children += media_children(app, env)
    children += broadcast_storage_children(app, env, host)
    children += streams
    children += redis_guard_children(app, env)
    supervisor = Supervisor(children)
    batching.kick(app)  # marks left by a previous run, or by the demo just loaded
    # The supervisor lives as long as the product runs and needs no database: a transaction
    # it left open would sit "idle in transaction" on PostgreSQL, holding back VACUUM.
    db.session.remove()
    db.engine.dispose()
    try:
        supervisor.start()
        click.echo(f"Background queues: {env['REDIS_URL']} (rq info --url …)")
        click.echo(f"Yunpin is running on http://{host}:{port}/")
        supervisor.run()
    finally:
        shutdown_embedded(app)


CODE_ROOT = str(Path(__file__).resolve().parents[1])
"""Where the `app` package lives: the children's working directory, because gunicorn, rq and
`python -m` put theirs first on the import path, and a folder there named like one of our
packages (an instance's `search/` index) would shadow it."""


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def served_url(host: str, port: int) -> str:
    """The address `yunpin run` serves HOST:PORT at, where mail links point when PUBLIC_URL
    is not set; served on every interface (0.0.0.0, ::), this machine's address on its
    network, which another device can open."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address(network_address(address.version))
    return f"http://{address}:{port}" if address.version == 4 else f"http://[{address}]:{port}"


def network_address(version: int) -> str:
    """This machine's address on the route out (a UDP socket's connect sends nothing; the
    probe is a documentation address); loopback on a machine with no network."""
    family, probe = (
        (socket.AF_INET, "192.0.2.1") if version == 4 else (socket.AF_INET6, "2001:db8::1")
    )
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probing:
            probing.connect((probe, 9))
            return probing.getsockname()[0]
    except OSError:
        return "127.0.0.1" if version == 4 else "::1"


def build_search_index_if_needed() -> None:
    """Index the database, before the workers start, on a fresh instance (so the first
    search has results) and after an upgrade that changed the index's fields or analysis
    (an index built at another SCHEMA_VERSION is not used: pages would fall back to the
    database until someone ran `yunpin search reindex`). Later changes reach the index
    through the queue."""
    from app import batching
    from app.indexing import service as search_index
    from app.indexing.cli import kinds_to_build, rebuild
    from search import SearchUnavailable

    try:
        if kinds := kinds_to_build(search_index.get_backend()):
            click.echo(f"Building the search index ({', '.join(kinds)})…")
            # The rebuild reads every row, so it covers what the marks left so far ask for.
            with batching.take("search"):
                for kind in kinds:
                    rebuild(search_index.get_backend(), kind)
    except SearchUnavailable as exc:
        click.echo(f"Search index not built ({exc}); pages use the database meanwhile.")
    finally:
        search_index.close_backend()


def child_env(app: Flask, *, local: bool) -> dict[str, str]:
    """The environment of every child: this app's instance folder and Redis (embedded: its
    unix socket, so children do not start servers of their own). LOCAL marks a server only
    this machine can reach (demo log-ins and the mail outbox are shown)."""
    from app.redis_store import get_redis

    url = app.config["REDIS_URL"] or f"unix://{get_redis(app).socket_file}"
    env = {**os.environ, "REDIS_URL": url, "YUNPIN_INSTANCE": app.instance_path}
    if local:
        env["YUNPIN_LOCAL"] = "1"
    return env


def web_child(app, env, host, port, processes, threads, debug) -> Child:
    """gunicorn with threads: several processes get past one interpreter's lock on a
    multi-core machine, threads keep slow clients cheap. --debug: Flask's development
    server with the reloader instead."""
    python = sys.executable
    if debug:
        argv = [python, "-m", "flask", "--app", "app:create_app", "run", "--debug"]
        argv += ["--no-debugger", "--host", host, "--port", str(port)]
    else:
        argv = [python, "-m", "gunicorn", "app:create_app()", "--bind", f"{host}:{port}"]
        argv += ["--config", "python:app.web_server"]
        argv += ["--worker-class", "gthread", "--threads", str(threads)]
        argv += ["--workers", str(processes or os.cpu_count() or 1)]
        argv += ["--graceful-timeout", "5", "--error-logfile", "-", "--no-control-socket"]
    # Each web process already runs a request per thread on every core; numpy's BLAS starting
    # threads of its own for a ranking only makes them queue (wsgi.py says the same). And each
    # thread keeps a database connection (app.database.pool_options).
    env = {"OPENBLAS_NUM_THREADS": "1", "DATABASE_POOL_SIZE": str(threads + 2), **env}
    return Child("web", argv, env, cwd=CODE_ROOT)


def worker_children(app: Flask, env: dict[str, str], count: int) -> list[Child]:
    """COUNT `rq worker` processes of app.worker.Worker, the first one keeping the index.
    A worker that dies has the job it was running put back before it is started again."""
    from app.queue import worker_queues
    from app.worker import recover

    rq = shutil.which("rq", path=str(Path(sys.executable).parent)) or shutil.which("rq")
    url = env["REDIS_URL"]
    return [
        Child(
            f"worker-{n}",
            [rq, "worker", "-w", "app.worker.Worker", "--with-scheduler", "--url", url]
            + worker_queues(app, n, count),
            env,
            cwd=CODE_ROOT,
            on_death=lambda child: recover(app, child.process.pid),
        )
        for n in range(count)
    ]


def yunpin_script() -> str:
    return str(Path(sys.executable).parent / "yunpin")


def media_children(app: Flask, env: dict[str, str]) -> list[Child]:
    """The media servers (`app.media.service.media_server_commands`: one per core)."""
    from app.media.service import media_server_commands

    return [
        Child(f"media-{n}", [yunpin_script(), *args], env, cwd=CODE_ROOT)
        for n, args in enumerate(media_server_commands(app))
    ]


def broadcast_storage_children(app: Flask, env: dict[str, str], host: str) -> list[Child]:
    """The static servers of the broadcast folder (`app.broadcasts.service`: one per core,
    sharing one port), on the web server's HOST: players fetch from where they found the page."""
    from app.broadcasts.service import storage_server_commands

    return [
        Child(f"broadcast-storage-{n}", [yunpin_script(), *args], env, cwd=CODE_ROOT)
        for n, args in enumerate(storage_server_commands(app, host))
    ]


def redis_guard_children(app: Flask, env: dict[str, str]) -> list[Child]:
    """The embedded Redis server's guard (`app.redis_guard`), which stops it should this
    supervisor be killed; none for a Redis of REDIS_URL."""
    if app.config["REDIS_URL"]:
        return []
    socket_file = env["REDIS_URL"].removeprefix("unix://")
    argv = [sys.executable, "-m", "app.redis_guard", socket_file, str(os.getpid())]
    return [Child("redis-guard", argv, env, cwd=CODE_ROOT)]


def stream_children(app: Flask, env: dict[str, str], host: str, web_port: int) -> list[Child]:
    """The event-stream processes (`yunpin chat serve`), sharing one port
    (`ports.stream_port`); ENV gains the port so the web processes send pages there."""
    count = app.config["CHAT_STREAM_PROCESSES"]
    if not count:
        return []
    port = ports.stream_port(app, web_port)
    env["CHAT_STREAM_PORT"] = str(port)
    argv = [yunpin_script(), "chat", "serve", "--host", host, "--port", str(port)]
    return [Child(f"stream-{n}", argv, env, cwd=CODE_ROOT) for n in range(count)]


@main.command("cron")
@with_appcontext
def cron_command() -> None:
    """Queue the periodic jobs (app/schedule.py) when they are due. Run exactly one per
    deployment (`yunpin run` runs one with its workers)."""
    from app.schedule import scheduler

    scheduler(current_app._get_current_object()).start()


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data set (idempotent: running it twice changes nothing)."""
    from app.database import writing
    from app.demo import load

    with writing():  # checks, then writes, while a running instance may write too
        summary = load()
    click.echo(", ".join(f"{n} {name}" for name, n in summary.items()))


main.add_command(bench_group, "bench")
main.add_command(eval_group, "eval")


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
    from app.accounts.service import TokenLimitError, create_api_token
    from app.database import writing
    from app.models import User

    with writing():  # reads, then writes, while a running instance may write too
        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user with email {email}")
        try:
            token = create_api_token(user, name)
        except TokenLimitError as error:
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
    click.echo(token)
