"""A fresh ``yunpin run`` for a benchmark: its own instance folder and port, stopped after.

The instance starts exactly as `make run` does (migrations, demo data, index, web server,
workers); the environment passes through, so ``DATABASE_URL``/``REDIS_URL`` point it at
PostgreSQL and Redis instead of the embedded defaults (give it an empty database).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

import click


@dataclass
class Instance:
    url: str
    redis_url: str
    folder: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    first_page_at: float = 0.0
    """time.monotonic() when the first page was served."""

    def app(self):
        """A Flask app of this instance for the benchmark's own process (service layer,
        queues), sharing its database, Redis and secret."""
        os.environ.update(YUNPIN_INSTANCE=str(self.folder), REDIS_URL=self.redis_url)
        from app import create_app

        return create_app()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


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


def start(folder: Path, *args: str, timeout: float = 600) -> Instance:
    """Start ``yunpin run`` on a free port with FOLDER as its instance and wait for the
    first page. Its log goes to FOLDER/run.log."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "YUNPIN_INSTANCE": str(folder), "VIDEO_EMBEDDED_PORT": "0"}
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
