"""The broadcast folder over time: stalled broadcasts ended, live-only files swept, replays
expired. Both run from app/schedule.py (``yunpin cron``); the worker must see the same
``BROADCAST_DIR`` as the media servers (one machine, or a shared volume).

- **Stalled broadcasts.** A publisher can vanish without the WHIP ``DELETE`` (browser closed,
  network gone, media server killed). The media server closes a session that has sent no
  media for ``BROADCAST_STALE_SECONDS`` (:mod:`video.broadcast.whip`), which ends the
  playlists; a killed media server ends nothing. :func:`end_stalled` ends in the database
  every live broadcast whose playlists ended, or whose live playlist has not moved for the
  stale period, and closes the playlists itself in the second case, so the replay (a VOD
  playlist) exists as after a normal end.
- **Storage sweep.** :func:`sweep` removes what only the live stream needed: files being
  written when a packager died (``*.tmp``), the audio-only rendition once the broadcast has
  ended (the replay plays ``v*.ts``, which carry the sound), folders whose broadcast is gone;
  and whole replays ``BROADCAST_REPLAY_DAYS`` after their end, marking the broadcast
  ``replay_expired_at`` so the page says so.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app.database import update_if
from app.models import Broadcast, BroadcastStatus, utcnow
from video.broadcast import hls

TMP_SECONDS = 600
"""A ``.tmp`` file this old belongs to no running packager (they live for one segment)."""

LIVE_ONLY_GRACE_SECONDS = 600
"""The audio-only rendition outlives the end by this much: players still on the live
window (audio only) play it out instead of failing on a missing segment."""

ORPHAN_GRACE_SECONDS = 3600
"""A folder without a broadcast row is removed once it has not changed for this long."""

BATCH = 500


def folder_of(app: Flask, broadcast: Broadcast) -> Path:
    return Path(app.config["BROADCAST_DIR"]) / broadcast.storage_key


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def media_state(app: Flask, broadcast: Broadcast) -> str:
    """What the folder says of a broadcast the database calls live: ``"ended"`` (its
    playlists say ENDLIST), ``"stalled"`` (nothing new for BROADCAST_STALE_SECONDS) or
    ``"live"``. Only files written after the publisher's latest connection count: a publisher
    reconnecting finds the ended playlists of its previous session, and its first segment
    takes a few seconds."""
    connected = broadcast.connected_at or broadcast.started_at or broadcast.created_at
    last_change = _epoch(connected)
    ended = False
    live = folder_of(app, broadcast) / "live.m3u8"
    try:
        with live.open("rb") as playlist:
            modified = live.stat().st_mtime
            if modified > last_change:
                last_change = modified
                playlist.seek(max(0, live.stat().st_size - 32))
                ended = b"#EXT-X-ENDLIST" in playlist.read()
    except FileNotFoundError:
        pass
    if ended:
        return "ended"
    if time.time() - last_change > app.config["BROADCAST_STALE_SECONDS"]:
        return "stalled"
    return "live"


def end_stalled(app: Flask, session: Session) -> list[int]:
    """End every live broadcast whose media stopped; returns their ids. A publisher that
    reconnects meanwhile (a new ``connected_at``) keeps its broadcast live."""
    ended = []
    live = session.scalars(
        sa.select(Broadcast).where(Broadcast.status == BroadcastStatus.LIVE).limit(BATCH)
    ).all()
    for broadcast in live:
        state = media_state(app, broadcast)
        if state == "live":
            continue
        if state == "stalled":
            hls.end_playlists(folder_of(app, broadcast))
        unchanged = (
            Broadcast.connected_at == broadcast.connected_at
            if broadcast.connected_at is not None
            else Broadcast.connected_at.is_(None)
        )
        if update_if(
            session,
            broadcast,
            Broadcast.status == BroadcastStatus.LIVE,
            unchanged,
            status=BroadcastStatus.ENDED,
            ended_at=utcnow(),
        ):
            ended.append(broadcast.id)
        session.commit()
    return ended


def sweep(app: Flask, session: Session) -> dict[str, int]:
    """Remove live-only files, orphaned folders and expired replays; returns counts."""
    counts = {"tmp_files": 0, "live_only_files": 0, "orphans": 0, "replays_expired": 0}
    root = Path(app.config["BROADCAST_DIR"])
    if not root.is_dir():
        return counts
    now = time.time()
    days = app.config["BROADCAST_REPLAY_DAYS"]
    expire_before = utcnow() - timedelta(days=days) if days else None
    live_only_before = utcnow() - timedelta(seconds=LIVE_ONLY_GRACE_SECONDS)
    folders = [entry for entry in root.iterdir() if entry.is_dir()]
    for start in range(0, len(folders), BATCH):
        batch = folders[start : start + BATCH]
        rows = {
            b.storage_key: b
            for b in session.scalars(
                sa.select(Broadcast).where(Broadcast.storage_key.in_([f.name for f in batch]))
            )
        }
        for folder in batch:
            counts["tmp_files"] += _remove(
                p for p in folder.glob("*.tmp") if _unchanged_for(p, TMP_SECONDS, now)
            )
            broadcast = rows.get(folder.name)
            if broadcast is None:
                if _unchanged_for(folder, ORPHAN_GRACE_SECONDS, now):
                    shutil.rmtree(folder, ignore_errors=True)
                    counts["orphans"] += 1
                continue
            if broadcast.status != BroadcastStatus.ENDED or broadcast.ended_at is None:
                continue
            past_retention = expire_before is not None and broadcast.ended_at < expire_before
            if (
                broadcast.replay_expired_at is None
                and past_retention
                and _expire(session, broadcast)
            ):
                counts["replays_expired"] += 1
            if broadcast.replay_expired_at is not None:
                shutil.rmtree(folder, ignore_errors=True)  # after the commit that says so
            elif broadcast.ended_at < live_only_before:
                counts["live_only_files"] += _remove(
                    [*folder.glob("a[0-9]*.ts"), *folder.glob("audio.m3u8")]
                )
    return counts


def _expire(session: Session, broadcast: Broadcast) -> bool:
    """Mark the replay expired (committed before its files go, so a crash in between leaves
    files the next sweep removes, never a page pointing at missing files)."""
    expired = update_if(
        session,
        broadcast,
        Broadcast.status == BroadcastStatus.ENDED,
        Broadcast.replay_expired_at.is_(None),
        Broadcast.ended_at == broadcast.ended_at,
        replay_expired_at=utcnow(),
    )
    session.commit()
    return expired


def _unchanged_for(path: Path, seconds: float, now: float) -> bool:
    try:
        return now - path.stat().st_mtime > seconds
    except FileNotFoundError:  # a .tmp renamed into place meanwhile
        return False


def _remove(paths) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass  # another sweep, or the writer renaming it into place
    return removed
