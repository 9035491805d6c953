"""What `yunpin run` starts for video: one media-server process per core unless configured."""

from __future__ import annotations

import os

from app.media.service import media_server_commands


def test_one_media_server_per_core_on_consecutive_ports(app):
    app.config.update(VIDEO_URL=None, VIDEO_PROCESSES=None, VIDEO_EMBEDDED_PORT=5001)
    commands = media_server_commands(app)
    assert len(commands) == (os.cpu_count() or 1)
    assert commands[0] == ["video", "serve", "--host", "127.0.0.1", "--port", "5001"]
    assert [c[-1] for c in commands] == [str(5001 + i) for i in range(len(commands))]


def test_configured_count_and_servers_run_elsewhere(app):
    app.config.update(VIDEO_URL=None, VIDEO_PROCESSES=3)
    assert len(media_server_commands(app)) == 3
    app.config["VIDEO_PROCESSES"] = 0  # `yunpin video serve` runs on other machines
    assert media_server_commands(app) == []
    app.config.update(VIDEO_PROCESSES=None, VIDEO_URL="http://media:5001")  # one fixed server
    assert media_server_commands(app) == []
