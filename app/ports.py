"""The ports `yunpin run` is about to listen on, checked before any child starts: two
servers given one port, or a port another program holds, would otherwise leave a child
crash-looping behind a supervisor that keeps restarting it."""

from __future__ import annotations

import socket

from flask import Flask

Listener = tuple[str, str, str, int]
"""(server, the option or setting that moves it, host, port)"""


def planned(app: Flask, host: str, web_port: int) -> list[Listener]:
    """(server, setting, host, port) of every listener `yunpin run` starts. The processes of one
    server that share a port (SO_REUSEPORT) count once; media servers on port 0 take
    whatever the system gives and are left out."""
    from app.broadcasts.service import storage_server_commands
    from app.media.service import media_process_count

    listeners = [("web server", "--port", host, web_port)]
    base = app.config["VIDEO_EMBEDDED_PORT"]
    if base:
        media = ("media server", "VIDEO_EMBEDDED_PORT", "127.0.0.1")
        listeners += [(*media, base + i) for i in range(media_process_count(app))]
    if storage_server_commands(app, host):
        storage = ("broadcast file server", "BROADCAST_STORAGE_PORT", host)
        listeners.append((*storage, app.config["BROADCAST_STORAGE_PORT"]))
    if app.config["CHAT_STREAM_PROCESSES"]:
        stream = ("chat event stream", "CHAT_STREAM_PORT", host)
        listeners.append((*stream, stream_port(app, web_port)))
    return listeners


def stream_port(app: Flask, web_port: int) -> int:
    """CHAT_STREAM_PORT, else the web port + 90: 5090 beside 5000, and two instances on one
    machine apart."""
    return app.config["CHAT_STREAM_PORT"] or web_port + 90


def problems(listeners: list[Listener]) -> list[str]:
    """What stops these listeners from starting, each with how to move it: a port given to
    two of them, or one that something else on this machine already listens on."""
    found, owners = [], {}
    for name, setting, host, port in listeners:
        if port in owners:
            found.append(
                f"port {port} is given to both the {owners[port]} and the {name}"
                f" (choose another with {setting})"
            )
        else:
            owners[port] = name
            if not is_free(host, port):
                found.append(
                    f"port {port} ({name}) is already in use on {host}"
                    f" (choose another with {setting})"
                )
    return found


def is_free(host: str, port: int) -> bool:
    # SO_REUSEADDR, as the servers themselves bind: a port a stopped run left in TIME_WAIT
    # is free to them.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
