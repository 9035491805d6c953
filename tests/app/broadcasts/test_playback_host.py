"""Players fetch the embedded static server at the host the browser reached the page by (a
phone on the network watching an instance served on 0.0.0.0), unless BROADCAST_PLAYBACK_URL
names a CDN; without a request, 127.0.0.1. A Host header that is not a plain name or
address is not echoed into the page or its Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from app.broadcasts import service
from app.extensions import db
from app.models import Broadcast, utcnow


@pytest.fixture
def broadcast(app) -> Broadcast:
    broadcast = service.create(db.session, title="政策解读", starts_at=utcnow())
    db.session.commit()
    return broadcast


def player_and_policy(client, broadcast: Broadcast, host: str) -> tuple[str, str]:
    response = client.get(f"/broadcasts/{broadcast.id}", headers={"Host": host})
    assert response.status_code == 200
    live = re.search(r'data-live="([^"]+)"', response.get_data(as_text=True)).group(1)
    return live, response.headers["Content-Security-Policy"]


def test_the_player_fetches_from_the_host_the_browser_used(app, client, broadcast):
    port = app.config["BROADCAST_STORAGE_PORT"]
    live, policy = player_and_policy(client, broadcast, "192.168.1.23:5000")
    assert live == f"http://192.168.1.23:{port}/hls/{broadcast.storage_key}/live.m3u8"
    assert f"connect-src 'self' http://192.168.1.23:{port}" in policy
    assert f"media-src 'self' blob: http://192.168.1.23:{port}" in policy

    live, policy = player_and_policy(client, broadcast, "[fd00::7]:5000")
    assert live.startswith(f"http://[fd00::7]:{port}/hls/")
    live, _policy = player_and_policy(client, broadcast, "Yunpin.Local")
    assert live.startswith(f"http://yunpin.local:{port}/hls/")


def test_a_configured_playback_url_wins_over_the_host(app, client, broadcast):
    app.config["BROADCAST_PLAYBACK_URL"] = "https://live.example.cn/hls/"
    live, policy = player_and_policy(client, broadcast, "192.168.1.23:5000")
    assert live == f"https://live.example.cn/hls/{broadcast.storage_key}/live.m3u8"
    assert "connect-src 'self' https://live.example.cn" in policy and "192.168" not in policy


@pytest.mark.parametrize(
    "host",
    [
        None,  # no request: `yunpin broadcast create`
        "",
        "evil.example; script-src *",
        "a b",
        "[not-an-address]:80",
        "[fe80::1%eth0]:5000",  # a link-local scope names a card of the server, not the client
        "x" * 300,
    ],
)
def test_without_a_plain_host_it_stays_on_loopback(app, host):
    port = app.config["BROADCAST_STORAGE_PORT"]
    assert service.playback_base(app, host) == f"http://127.0.0.1:{port}/hls"


def test_the_storage_servers_listen_where_the_web_server_does(app):
    app.config["BROADCAST_STORAGE_PROCESSES"] = 2
    assert service.storage_server_commands(app, "0.0.0.0") == [
        ["broadcast", "serve-storage", "--host", "0.0.0.0", "--port", str(port)]
        for port in [app.config["BROADCAST_STORAGE_PORT"]] * 2
    ]
    assert service.storage_server_commands(app)[0][2:4] == ["--host", "127.0.0.1"]
