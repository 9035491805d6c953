"""Identity-room liveness check with real aiortc peers and a synthetic face video.

The face is a public-domain NASA photo (``assets/README.md``). The client behaves like a
person following the prompts it receives on the data channel: it holds still, "turns its
head" (the face moves right in the picture by half a face width: the shifted-box path of
the turn detector; the profile path is tested on a real profile photo below), "blinks"
(skin-coloured patches over both eyes for ~0.6 s) and "reads the digits" (a loud tone on
the audio track while the digits are shown).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiohttp
import av
import cv2
import numpy as np
import pytest
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

from bench.peers import ClientPeer
from video import liveness

ASSETS = Path(__file__).parent / "assets"
W, H = 640, 480
SCALE = 1.5
EYES = ((82, 90), (126, 93))
"""Eye centres in ``astronaut_face.jpg`` (the eye cascade finds them there)."""
FACE_WIDTH = 96
"""Width of the frontal-cascade box in ``astronaut_face.jpg``."""


def face_picture(mode: str) -> np.ndarray:
    """A 640x480 BGR frame: steady face, face moved right ("turn"), eyes covered ("blink")."""
    src = cv2.imread(str(ASSETS / "astronaut_face.jpg"))
    img = np.full((H, W, 3), (110, 120, 125), np.uint8)
    if mode == "noface":
        return img
    face = cv2.resize(src, None, fx=SCALE, fy=SCALE)
    if mode == "blink":
        skin = src[120:140, 85:125].reshape(-1, 3).mean(0).tolist()
        for ex, ey in EYES:
            centre = (int(ex * SCALE), int(ey * SCALE))
            cv2.ellipse(face, centre, (int(17 * SCALE), int(11 * SCALE)), 0, 0, 360, skin, -1)
    fh, fw = face.shape[:2]
    x0 = (W - fw) // 2 + (int(0.5 * FACE_WIDTH * SCALE) if mode == "turn" else 0)
    y0 = (H - fh) // 2
    img[y0 : y0 + fh, x0 : x0 + fw] = face
    return img


class ScriptedFaceTrack(VideoStreamTrack):
    """Camera stand-in whose picture the test switches (``mode``)."""

    def __init__(self, mode: str = "steady") -> None:
        super().__init__()
        self.mode = mode
        self._cache: dict[str, np.ndarray] = {}

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        if self.mode not in self._cache:
            self._cache[self.mode] = face_picture(self.mode)
        frame = av.VideoFrame.from_ndarray(self._cache[self.mode], format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class ScriptedAudioTrack(AudioStreamTrack):
    """Silence, or a 220 Hz tone (about -12 dBFS) while ``loud``."""

    loud = False

    async def recv(self):
        frame = await super().recv()
        if self.loud:
            rate, n = frame.sample_rate, frame.samples
            t = (np.arange(n) + frame.pts) / rate
            tone = (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16)
            out = av.AudioFrame.from_ndarray(tone[None, :], format="s16", layout="mono")
            out.sample_rate, out.pts, out.time_base = rate, frame.pts, frame.time_base
            return out
        return frame


@pytest.fixture(autouse=True)
def short_timings(monkeypatch):
    monkeypatch.setattr(
        # Short where a test waits for a step to fail (no face); the scripted face answers
        # as fast as it can, so the turn and the blink keep room for a loaded machine.
        liveness,
        "DEFAULT_TIMINGS",
        liveness.Timings(acquire=4, turn=12, blink=12, digits=4),
    )


def current_prompt(msg: dict) -> str | None:
    """What the phone shows: the first undecided prompt once a face is present."""
    if msg.get("state") != "running" or not msg.get("face_present"):
        return None
    return next((p["id"] for p in msg["prompts"] if p["passed"] is None), None)


async def follow_prompts(peer: ClientPeer, video: ScriptedFaceTrack, audio: ScriptedAudioTrack):
    """Act out each prompt as it appears; return the final liveness message."""
    seen = 0
    while True:
        updates = [m for m in peer.messages[seen:] if m["type"] == "liveness"]
        seen = len(peer.messages)
        for msg in updates:
            if msg["state"] == "done":
                video.mode, audio.loud = "steady", False
                return msg
            prompt = current_prompt(msg)
            video.mode = "turn" if prompt == "turn_left" else "steady"
            audio.loud = prompt == "digits"
        if current_prompt_is(peer, "blink"):
            video.mode = "blink"
            await asyncio.sleep(0.6)
            video.mode = "steady"
            await asyncio.sleep(0.6)
        else:
            await asyncio.sleep(0.05)


def current_prompt_is(peer: ClientPeer, pid: str) -> bool:
    last = next((m for m in reversed(peer.messages) if m["type"] == "liveness"), None)
    return last is not None and current_prompt(last) == pid


async def get_liveness(server, room_id: str, token: str):
    url = f"{server.url}/video/rooms/{room_id}/liveness"
    async with aiohttp.ClientSession() as s, s.get(url, params={"token": token}) as r:
        return r.status, await r.json()


def test_face_video_passes_turn_blink_and_digits(server, settings, make_room, token_for, run):
    room = make_room(kind="identity", capacity=2)
    token = token_for(room.room_id, "boss", role="employer")

    async def scenario():
        status, body = await get_liveness(server, room.room_id, token)
        assert status == 200 and body["state"] == "waiting"
        video, audio = ScriptedFaceTrack(), ScriptedAudioTrack()
        peer = ClientPeer("boss", [video, audio])
        assert await peer.join(f"{server.url}/video/rooms/{room.room_id}/offer", token) == 200
        final = await asyncio.wait_for(follow_prompts(peer, video, audio), 40)

        status, body = await get_liveness(server, room.room_id, token)
        assert status == 200
        assert body == {k: v for k, v in final.items() if k != "type"}
        assert (await get_liveness(server, room.room_id, "forged"))[0] == 403
        other = token_for("another-room", "boss")
        assert (await get_liveness(server, room.room_id, other))[0] == 403
        await peer.close()
        # The result outlives the call (the official reads it afterwards).
        while room.room_id in server.sfu.rooms:  # the server has noticed the hang-up
            await asyncio.sleep(0.02)
        status, after = await get_liveness(server, room.room_id, token)
        assert status == 200 and after["passed"] is True, after
        return body

    body = run(scenario())
    assert set(body) == {
        "room_id",
        "state",
        "face_present",
        "prompts",
        "passed",
        "snapshots",
        "message",
        "message_zh",
        "message_en",
    }
    assert body["room_id"] == room.room_id and body["state"] == "done"
    assert body["face_present"] is True
    verdicts = {p["id"]: p["passed"] for p in body["prompts"]}
    assert verdicts == {"turn_left": True, "blink": True, "digits": True}, body
    digits = next(p for p in body["prompts"] if p["id"] == "digits")["digits"]
    assert len(digits) == 4 and digits.isdigit()
    assert body["passed"] is True
    assert "自动检查通过" in body["message"] and "official" in body["message"]
    assert body["message_zh"].startswith("自动检查通过") and "official" not in body["message_zh"]
    assert (
        body["message_en"].startswith("Automatic checks passed")
        and "自动" not in body["message_en"]
    )
    folder = Path(settings.snapshot_dir) / room.room_id
    assert 3 <= len(body["snapshots"]) <= 5
    assert sorted(os.listdir(folder)) == sorted(body["snapshots"])
    for name in body["snapshots"]:
        picture = cv2.imread(str(folder / name))
        assert picture is not None and picture.shape[:2] == (H, W)


def test_video_without_face_is_rejected(server, make_room, token_for, run):
    room = make_room(kind="identity", capacity=2)
    token = token_for(room.room_id, "boss")

    async def scenario():
        peer = ClientPeer("boss", [ScriptedFaceTrack("noface")])
        assert await peer.join(f"{server.url}/video/rooms/{room.room_id}/offer", token) == 200
        final = await peer.wait_message(
            lambda m: m["type"] == "liveness" and m["state"] == "done", timeout=20
        )
        status, body = await get_liveness(server, room.room_id, token)
        await peer.close()
        return final, status, body

    final, status, body = run(scenario())
    assert status == 200 and body["state"] == "done"
    assert final["passed"] is False and body["passed"] is False
    assert body["face_present"] is False and body["snapshots"] == []
    assert body["message_zh"].startswith("未检测到人脸：")
    assert body["message_en"].startswith("No face was detected: ")
    assert "No face" not in body["message_zh"] and "未检测" not in body["message_en"]
    assert all(p["passed"] is None for p in body["prompts"])


def test_liveness_endpoint_404(server, make_room, token_for, run):
    interview = make_room(kind="interview")

    async def scenario():
        return (
            await get_liveness(server, interview.room_id, token_for(interview.room_id, "u")),
            await get_liveness(server, "nope", token_for("nope", "u")),
        )

    (s1, b1), (s2, b2) = run(scenario())
    assert (s1, b1["error"]) == (404, "not_identity_room")
    assert (s2, b2["error"]) == (404, "room_not_found")


def test_profile_turn_direction():
    """A real profile pointing to the picture's right is a turn to the person's left."""
    analyzer = liveness.FaceAnalyzer()
    profile = cv2.imread(str(ASSETS / "cameraman_profile.jpg"), cv2.IMREAD_GRAYSCALE)
    assert analyzer.face(profile) is None  # the frontal detector has lost the face
    assert analyzer.turned_left(profile)
    frontal = cv2.cvtColor(face_picture("steady"), cv2.COLOR_BGR2GRAY)
    assert analyzer.face(frontal) is not None
    assert not analyzer.turned_left(frontal)


def test_check_without_audio_leaves_digits_to_the_official(tmp_path):
    """No audio packets while the digits are shown: ``passed`` null, not a guess."""
    check = liveness.LivenessCheck("r1", liveness.Timings(), str(tmp_path))
    t = 0.0
    steady, turn, blink = (face_picture(m) for m in ("steady", "turn", "blink"))
    for picture in [steady] * 3 + [turn] * 2 + [steady] * 2 + [blink] * 2 + [steady] * 2:
        t += 0.1
        check.feed_frame(picture, t)
    assert [p["passed"] for p in check.prompts[:2]] == [True, True]
    assert check.phase == "digits"
    check.tick(t + liveness.Timings().digits + 1)
    result = check.result()
    assert result["state"] == "done" and result["prompts"][2]["passed"] is None
    assert result["passed"] is True
    assert "朗读的数字由审核人员核对" in result["message"]
    assert len(result["snapshots"]) == 4
