"""`yunpin run` refuses, before it starts anything, ports that two of its servers share or
that another program holds: otherwise the loser crash-loops under the supervisor."""

from __future__ import annotations

import socket

from app import ports
from app.cli import main


def test_the_planned_listeners_follow_the_configuration(app):
    app.config.update(
        VIDEO_EMBEDDED_PORT=5611,
        VIDEO_PROCESSES=2,
        BROADCAST_STORAGE_PORT=5612,
        BROADCAST_STORAGE_PROCESSES=2,
        CHAT_STREAM_PROCESSES=1,
        CHAT_STREAM_PORT=None,
    )
    assert ports.planned(app, "0.0.0.0", 5600) == [
        ("web server", "--port", "0.0.0.0", 5600),
        ("media server", "VIDEO_EMBEDDED_PORT", "127.0.0.1", 5611),
        ("media server", "VIDEO_EMBEDDED_PORT", "127.0.0.1", 5612),
        ("broadcast file server", "BROADCAST_STORAGE_PORT", "0.0.0.0", 5612),
        ("chat event stream", "CHAT_STREAM_PORT", "0.0.0.0", 5690),
    ]
    app.config.update(VIDEO_EMBEDDED_PORT=0, BROADCAST_STORAGE_PROCESSES=0)
    assert [name for name, *_ in ports.planned(app, "127.0.0.1", 5600)] == [
        "web server",
        "chat event stream",
    ]


def test_a_port_given_twice_is_named_with_both_servers():
    port = _unused_port()
    listeners = [
        ("web server", "--port", "127.0.0.1", port),
        ("broadcast file server", "BROADCAST_STORAGE_PORT", "0.0.0.0", port),
    ]
    assert ports.problems(listeners) == [
        f"port {port} is given to both the web server and the broadcast file server"
        " (choose another with BROADCAST_STORAGE_PORT)"
    ]


def test_a_port_another_program_listens_on_is_refused_and_a_free_one_is_not():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        web = [("web server", "--port", "127.0.0.1", port)]
        assert ports.problems(web) == [
            f"port {port} (web server) is already in use on 127.0.0.1 (choose another with --port)"
        ]
    assert ports.problems(web) == []


def test_run_refuses_overlapping_ports_before_starting_anything(app):
    app.config.update(
        VIDEO_EMBEDDED_PORT=_unused_port(), VIDEO_PROCESSES=2, BROADCAST_STORAGE_PROCESSES=1
    )
    app.config["BROADCAST_STORAGE_PORT"] = app.config["VIDEO_EMBEDDED_PORT"] + 1
    run = ["run", "--port", str(_unused_port())]
    result = app.test_cli_runner().invoke(main, run)
    assert result.exit_code == 2
    assert "is given to both the media server and the broadcast file server" in result.output


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
