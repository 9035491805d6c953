"""The click commands, with settings handed over through ctx.obj as the app does."""

from __future__ import annotations

import json

from click.testing import CliRunner

from video import rooms, tokens
from video.cli import video_cli


def test_create_room_prints_room_and_tokens(settings, redis):
    result = CliRunner().invoke(video_cli, ["create-room", "--participants", "3"], obj=settings)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"room_id", "tokens"} and len(data["tokens"]) == 3
    room = rooms.get_room(redis, data["room_id"])
    assert (room.kind, room.capacity) == ("adhoc", 4)
    users = [
        tokens.verify_token(settings.secret, t, data["room_id"])["user"] for t in data["tokens"]
    ]
    assert users == ["guest-1", "guest-2", "guest-3"]


def test_settings_from_env_are_used_without_obj(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(video_cli, ["create-room"], env={"SECRET_KEY": ""})
    assert result.exit_code != 0 and "SECRET_KEY" in result.output


def test_settings_parse_ice_servers():
    from video.settings import VideoSettings

    s = VideoSettings.from_env(
        {
            "SECRET_KEY": "k",
            "VIDEO_ICE_SERVERS": '[{"urls": "turn:t.example:3478", "username": "u", "credential": "p"}]',
        }
    )
    assert s.ice_servers[0]["username"] == "u"
    assert s.rtc_configuration().iceServers[0].urls == "turn:t.example:3478"
    assert VideoSettings.from_env(
        {"SECRET_KEY": "k", "VIDEO_ICE_SERVERS": "stun:a:3478, stun:b:3478"}
    ).ice_servers == [{"urls": "stun:a:3478"}, {"urls": "stun:b:3478"}]
