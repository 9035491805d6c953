"""A fresh ``yunpin run`` for a benchmark: its own instance folder and port, stopped after.

The instance starts exactly as `make run` does (migrations, demo data, index, web server,
workers); the environment passes through, so ``DATABASE_URL``/``REDIS_URL`` point it at
PostgreSQL and Redis instead of the embedded defaults (give it an empty database:
tools/production_stack.py makes one). With ``separate_workers`` the workers are not the
supervisor's children but ``rq worker`` processes started beside it, as production runs them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

import click


@contextlib.contextmanager
def throwaway_postgres():
    """The SQLAlchemy URL of a fresh PostgreSQL server (pgserver) in a temporary folder,
    stopped and removed afterwards: the default database of the benchmarks that load data."""
    import pgserver

    with tempfile.TemporaryDirectory() as folder:
        server = pgserver.get_server(folder, cleanup_mode="stop")
        try:
            yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        finally:
            server.cleanup()


@dataclass
class Instance:
    url: str
    redis_url: str
    folder: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    workers: list[subprocess.Popen] = field(default_factory=list, repr=False)
    first_page_at: float = 0.0
    """time.monotonic() when the first page was served."""

    def app(self):
        """A Flask app of this instance for the benchmark's own process (service layer,
        queues), sharing its database, Redis and secret."""
        os.environ.update(YUNPIN_INSTANCE=str(self.folder), REDIS_URL=self.redis_url)
        from app import create_app

        return create_app()

    def stop(self) -> None:
        for process in [*self.workers, self.process]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.process]:
            if process is not None:
                process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_only(url: str) -> str:
    """URL, if it points at this machine; benchmarks never send load anywhere else."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise click.BadParameter(
            f"{url}: only loopback addresses are benchmarked", param_hint="--url"
        )
    return url.rstrip("/")


def _copy(lines, path: Path) -> None:
    """The children's output (workers log there) into the log, so no child blocks on it."""
    with open(path, "a") as log:
        for line in lines:
            log.write(line)
            log.flush()


separate_workers_option = click.option(
    "--separate-workers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Start this many `rq worker` processes beside `yunpin run` instead of its own.",
)


def start(folder: Path, *args: str, timeout: float = 600, separate_workers: int = 0) -> Instance:
    """Start ``yunpin run`` on a free port with FOLDER as its instance and wait for the
    first page. Its log goes to FOLDER/run.log."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "YUNPIN_INSTANCE": str(folder), "VIDEO_EMBEDDED_PORT": "0"}
    if separate_workers:
        env["RQ_EMBEDDED_WORKER"] = "0"
    yunpin = Path(sys.executable).parent / "yunpin"
    log = open(folder / "run.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
    process = subprocess.Popen(
        [str(yunpin), "run", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    redis_url = ""
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        if line.startswith("Background queues:"):
            redis_url = line.split()[2]
            break
        if time.monotonic() > deadline:
            break
    if not redis_url:
        process.kill()
        raise click.ClickException(f"yunpin run did not start; see {folder / 'run.log'}")
    threading.Thread(target=_copy, args=(process.stdout, folder / "run.log"), daemon=True).start()
    instance = Instance(f"http://127.0.0.1:{port}", redis_url, folder, process)
    if separate_workers:
        instance.workers = _start_workers(instance, env, separate_workers)
    while True:
        try:
            with urllib.request.urlopen(instance.url + "/", timeout=5) as response:
                if response.status == 200:
                    instance.first_page_at = time.monotonic()
                    return instance
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            instance.stop()
            raise click.ClickException(f"no page served; see {folder / 'run.log'}")
        time.sleep(0.05)


def _start_workers(instance: Instance, env: dict[str, str], count: int) -> list[subprocess.Popen]:
    """COUNT `rq worker -w app.worker.Worker` processes on the instance's queues, the way a
    production host runs them (the first one keeps the index); they log to FOLDER/run.log."""
    from app.queue import worker_queues

    app = instance.app()
    rq = str(Path(sys.executable).parent / "rq")
    code_root = Path(__file__).resolve().parents[1]
    with open(instance.folder / "run.log", "ab") as log:
        return [
            subprocess.Popen(
                [rq, "worker", "-w", "app.worker.Worker", "--with-scheduler"]
                + ["--url", instance.redis_url, *worker_queues(app, n, count)],
                env=env,
                cwd=code_root,
                stdout=log,
                stderr=log,
            )
            for n in range(count)
        ]
