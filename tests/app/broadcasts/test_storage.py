"""Broadcasts whose publisher vanishes, and the broadcast folder over time, with real parts:
an aiortc WHIP publisher process killed with SIGKILL (no DELETE), a media server (in a
thread, or a `video serve` process killed with SIGKILL), the periodic jobs run by a real RQ
worker, and the files they leave read back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from app.broadcasts import service, storage
from app.extensions import db
from app.media.service import settings_for
from app.models import Broadcast, BroadcastStatus, utcnow
from app.queue import DERIVED, get_queue
from bench.media_servers import MediaServers
from video.embedded import start_in_thread

STALE_SECONDS = 5
"""The stale period in these tests (60 s in production): long enough for a loaded machine's
ICE and DTLS before the first frame, short enough for a test."""
TIMEOUT = 45
"""An upper bound for segments to appear or playlists to end, never a wait."""


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.2)
    return value


def listed(folder: Path, playlist: str = "live.m3u8") -> list[str]:
    try:
        text = (folder / playlist).read_text()
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def ended(folder: Path, playlist: str) -> bool:
    return (folder / playlist).read_text().rstrip().endswith("#EXT-X-ENDLIST")


def start_publisher(whip_url: str, token: str) -> subprocess.Popen:
    """An aiortc WHIP publisher in a process of its own (bench/whip.py), publishing H.264
    and Opus for ten minutes unless killed; returns once its first frame is captured."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.whip", whip_url, token, "600", "H264"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "first_frame_at" in json.loads(process.stdout.readline())
    return process


def run_periodic(worker, job: str):
    """Queue a job of app/schedule.py as `yunpin cron` does and run it in a real worker."""
    queued = get_queue(current_app, DERIVED).enqueue(job)
    assert worker(DERIVED) >= 1
    return queued.return_value()


@pytest.fixture
def live_broadcast(app):
    app.config["BROADCAST_STALE_SECONDS"] = STALE_SECONDS
    broadcast = service.create(db.session, title="断线的直播", starts_at=utcnow())
    db.session.commit()
    return broadcast


def test_a_publisher_that_vanishes_is_ended_with_its_replay(app, client, worker, live_broadcast):
    """Killed without a DELETE: the media server closes the silent session after the stale
    period (its playlists end), the page shows the end at once, the minute job ends the row."""
    broadcast = live_broadcast
    folder = storage.folder_of(app, broadcast)
    media = start_in_thread(settings_for(app, port=0))
    publisher = None
    try:
        whip = f"{media.url}/video/broadcasts/{broadcast.id}/whip"
        publisher = start_publisher(whip, service.publisher_token(app, broadcast))
        service.went_live(db.session, broadcast)  # what the app's WHIP proxy does on the 201
        db.session.commit()
        wait_for(lambda: len(listed(folder)) >= 2, "two segments listed")
        status = client.get(f"/broadcasts/{broadcast.id}/questions.json").get_json()["status"]
        assert status == "live"

        publisher.send_signal(signal.SIGKILL)
        publisher.wait()
        killed_at = time.monotonic()
        wait_for(lambda: ended(folder, "live.m3u8"), "the media server ends the playlists")
        assert time.monotonic() - killed_at < STALE_SECONDS + 10
    finally:
        if publisher is not None and publisher.poll() is None:
            publisher.kill()
            publisher.wait()
        media.stop()

    status = client.get(f"/broadcasts/{broadcast.id}/questions.json").get_json()["status"]
    assert status == "ended"  # before the job: the page reads the playlist
    assert run_periodic(worker, "app.broadcasts.tasks.end_stalled") == [broadcast.id]
    db.session.expire_all()
    row = db.session.get(Broadcast, broadcast.id)
    assert row.status == BroadcastStatus.ENDED and row.ended_at is not None
    replay = (folder / "replay.m3u8").read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in replay and ended(folder, "replay.m3u8")
    assert len(listed(folder, "replay.m3u8")) >= 2
    assert all((folder / name).stat().st_size > 0 for name in listed(folder, "replay.m3u8"))
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert 'data-has-replay="1"' in page and "Questions and answers" in page
    assert run_periodic(worker, "app.broadcasts.tasks.end_stalled") == []  # nothing left


def test_a_killed_media_server_is_ended_by_the_job_and_swept_later(
    app, client, worker, redis_server, live_broadcast
):
    """The media server dies with SIGKILL mid-segment: nothing ends the playlists but the
    minute job. Later sweeps remove the dead segment's .tmp, then the audio-only rendition,
    then (past BROADCAST_REPLAY_DAYS) the replay, saying so on the page."""
    broadcast = live_broadcast
    folder = storage.folder_of(app, broadcast)
    servers = MediaServers(
        1,
        redis_server,
        f"unix://{redis_server.socket_file}",
        app.config["SECRET_KEY"],
        extra_env={
            "VIDEO_BROADCAST_DIR": app.config["BROADCAST_DIR"],
            "VIDEO_BROADCAST_STALE_SECONDS": str(STALE_SECONDS),
        },
    )
    publisher = None
    try:
        servers.wait_registered()
        whip = f"{servers.urls[0]}/video/broadcasts/{broadcast.id}/whip"
        publisher = start_publisher(whip, service.publisher_token(app, broadcast))
        service.went_live(db.session, broadcast)
        db.session.commit()
        wait_for(lambda: len(listed(folder)) >= 2, "two segments listed")
        servers.procs[0].send_signal(signal.SIGKILL)
        servers.procs[0].wait()
    finally:
        if publisher is not None:
            publisher.kill()
            publisher.wait()
        servers.stop()
    assert not ended(folder, "live.m3u8")  # nobody closed them

    # Within the stale period the broadcast still counts as live; the job leaves it alone.
    if time.time() - (folder / "live.m3u8").stat().st_mtime < STALE_SECONDS - 1:
        assert run_periodic(worker, "app.broadcasts.tasks.end_stalled") == []
    wait_for(
        lambda: storage.media_state(app, broadcast) == "stalled",
        "the live playlist counts as stalled",
        timeout=STALE_SECONDS + 5,
    )
    status = client.get(f"/broadcasts/{broadcast.id}/questions.json").get_json()["status"]
    assert status == "ended"
    assert run_periodic(worker, "app.broadcasts.tasks.end_stalled") == [broadcast.id]
    db.session.expire_all()
    assert db.session.get(Broadcast, broadcast.id).status == BroadcastStatus.ENDED
    segments = listed(folder, "replay.m3u8")
    assert len(segments) >= 2 and ended(folder, "replay.m3u8") and ended(folder, "live.m3u8")
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in (folder / "replay.m3u8").read_text()
    assert ended(folder, "audio.m3u8")

    # Sweeps: a leftover being written when the server died goes once it is old; the live
    # window's files stay for LIVE_ONLY_GRACE_SECONDS after the end.
    leftovers = list(folder.glob("*.tmp"))  # the segment being written at the kill
    an_hour_ago = time.time() - 3600
    for leftover in leftovers:
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    fresh = folder / "v99999.ts.tmp"  # as if being written now: kept
    fresh.write_bytes(b"\x47" * 188)
    orphan = Path(app.config["BROADCAST_DIR"]) / "deleted-broadcast"
    orphan.mkdir()
    (orphan / "v00000.ts").write_bytes(b"\x47" * 188)
    os.utime(orphan, (an_hour_ago - 60, an_hour_ago - 60))
    counts = run_periodic(worker, "app.broadcasts.tasks.sweep_storage")
    assert counts["tmp_files"] == len(leftovers) and counts["orphans"] == 1
    assert counts["live_only_files"] == 0
    assert list(folder.glob("*.tmp")) == [fresh] and not orphan.exists()
    assert (folder / "audio.m3u8").exists()

    def end_earlier(delta: timedelta) -> None:
        db.session.execute(
            sa.update(Broadcast)
            .where(Broadcast.id == broadcast.id)
            .values(ended_at=utcnow() - delta)
        )
        db.session.commit()

    end_earlier(timedelta(hours=1))
    counts = run_periodic(worker, "app.broadcasts.tasks.sweep_storage")
    assert counts["live_only_files"] >= 3  # audio.m3u8 and at least two a*.ts
    assert not (folder / "audio.m3u8").exists() and not list(folder.glob("a*.ts"))
    assert [name for name in segments if not (folder / name).exists()] == []
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert 'data-has-replay="1"' in page

    end_earlier(timedelta(days=app.config["BROADCAST_REPLAY_DAYS"] + 1))
    counts = run_periodic(worker, "app.broadcasts.tasks.sweep_storage")
    assert counts["replays_expired"] == 1 and not folder.exists()
    db.session.expire_all()
    assert db.session.get(Broadcast, broadcast.id).replay_expired_at is not None
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "The replay of this broadcast has expired" in page and 'id="player"' not in page
    assert broadcast.id not in [b.id for b in service.recent_replays(db.session)]
    assert run_periodic(worker, "app.broadcasts.tasks.sweep_storage")["replays_expired"] == 0


def test_replays_are_kept_for_ever_with_zero_days(app, worker, live_broadcast):
    app.config["BROADCAST_REPLAY_DAYS"] = 0
    broadcast = live_broadcast
    service.went_live(db.session, broadcast)
    service.ended(db.session, broadcast)
    broadcast.ended_at = utcnow() - timedelta(days=3650)
    db.session.commit()
    folder = storage.folder_of(app, broadcast)
    folder.mkdir(parents=True)
    (folder / "replay.m3u8").write_text("#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n#EXT-X-ENDLIST\n")
    (folder / "v00000.ts").write_bytes(b"\x47" * 188)
    assert run_periodic(worker, "app.broadcasts.tasks.sweep_storage")["replays_expired"] == 0
    assert (folder / "v00000.ts").exists()


def test_a_reconnecting_publisher_is_not_taken_for_an_ended_one(app, live_broadcast):
    """The previous session's ended playlists predate the new connection: still live."""
    broadcast = live_broadcast
    folder = storage.folder_of(app, broadcast)
    folder.mkdir(parents=True)
    (folder / "live.m3u8").write_text("#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n#EXT-X-ENDLIST\n")
    service.went_live(db.session, broadcast)
    db.session.commit()
    assert storage.media_state(app, broadcast) == "live"
    assert storage.end_stalled(app, db.session) == []
