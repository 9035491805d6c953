"""`yunpin video create-room` uses the app's Redis and SECRET_KEY, so its tokens work on port 5000."""

from __future__ import annotations

import json

from app.cli import main
from video import rooms, tokens


def test_create_room_prints_a_room_and_one_token_per_participant(app, runner):
    result = runner.invoke(main, ["video", "create-room", "--participants", "3"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    room = rooms.get_room(app.extensions["redis"], out["room_id"])
    assert room.capacity >= 3 and len(out["tokens"]) == 3
    users = {tokens.verify_token("test-secret", t, out["room_id"])["user"] for t in out["tokens"]}
    assert len(users) == 3


def test_video_commands_are_registered(runner):
    assert runner.invoke(main, ["video", "--help"]).exit_code == 0
    assert "serve" in runner.invoke(main, ["video", "--help"]).output
    assert runner.invoke(main, ["bench", "video", "--help"]).exit_code == 0
    assert runner.invoke(main, ["video", "bench", "--help"]).exit_code == 0
