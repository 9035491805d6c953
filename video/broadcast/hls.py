"""HLS output: MPEG-TS segments cut at keyframes and three playlists, written atomically.

Files in a broadcast's folder (names are part of the contract with the app and the docs):

- ``live.m3u8`` — the live playlist: the last :data:`LIVE_WINDOW` segments with audio and
  video; ``#EXT-X-ENDLIST`` once the broadcast ends. This is the ``playback_url``.
- ``audio.m3u8`` — the same window, audio only (``a*.ts``), for weak connections.
- ``replay.m3u8`` — every segment since the first (``EVENT`` while live, ``VOD`` at the end):
  the replay.
- ``v00000.ts``, ``a00000.ts``, … — segments. They are never rewritten, so a CDN may cache
  them for ever; playlists change every segment and must be cached for less than that.

Each file is written to ``<name>.tmp`` and renamed into place, so a static server serving the
folder never hands out a half-written file. A publisher that reconnects continues the same
numbering after an ``#EXT-X-DISCONTINUITY``; the replay keeps both parts.

Timestamps are 90 kHz integers (MPEG-TS's clock) counted from the session's start.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

TARGET_SECONDS = 2.0
"""Segment length. Short segments keep the delay from a frame to its listing near 2 s; each
segment is one request per viewer, so shorter would multiply the load on the static server."""

CUT_SECONDS = TARGET_SECONDS - 0.2
"""A keyframe this far into a segment starts the next one. The packager asks for (or forces)
a keyframe from this moment, and one asked of a publisher arrives a round trip and a frame or
two later, so segments come out at about TARGET_SECONDS."""

LIVE_WINDOW = 6
"""Segments in the live playlists: 12 s, enough for a player three segments behind the edge."""

TARGET_DURATION = 4
"""``#EXT-X-TARGETDURATION``: an upper bound on any segment, fixed for the playlist's lifetime
(RFC 8216 4.3.3.1). Segments end at the first keyframe after TARGET_SECONDS, and the packager
asks for a keyframe in time, so they stay well under it."""

CLOCK = 90000
TIME_BASE = Fraction(1, CLOCK)

_SEGMENT_LINE = re.compile(r"^v(\d+)\.ts$", re.M)


@dataclass
class Segment:
    number: int
    seconds: float
    started_at: float  # wall clock (unix seconds) of its first frame
    discontinuity: bool = False


def _write_atomically(path: Path, data: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


class _SegmentFile:
    """One open MPEG-TS file: with video and audio, or audio only."""

    def __init__(self, path: Path, video: bool, audio_extradata: bytes | None) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.container = av.open(str(self.tmp), "w", format="mpegts")
        self.video = None
        self.audio = None
        if video:
            self.video = self.container.add_stream("h264")
            self.video.time_base = TIME_BASE
        if audio_extradata is not None:
            self.audio = self.container.add_stream("aac", rate=48000)
            self.audio.time_base = TIME_BASE
            self.audio.codec_context.extradata = audio_extradata

    def mux(self, packet: av.Packet, stream) -> None:
        packet.stream = stream
        self.container.mux(packet)

    def close(self) -> None:
        self.container.close()
        os.replace(self.tmp, self.path)


class HlsWriter:
    """Takes encoded H.264 (Annex B) and AAC packets and writes segments and playlists.

    Not thread-safe: one packager thread owns it. ``has_video`` False makes an audio-only
    broadcast, cut on time instead of at keyframes.
    """

    def __init__(self, folder: Path, *, has_video: bool, audio_extradata: bytes | None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.has_video = has_video
        self.audio_extradata = audio_extradata
        self.segments: list[Segment] = self._earlier_segments()
        self.next_number = self.segments[-1].number + 1 if self.segments else 0
        self._discontinuity = bool(self.segments)
        self._av: _SegmentFile | None = None
        self._audio_only: _SegmentFile | None = None
        self._start_pts = 0
        self._last_pts = 0
        self._started_at = 0.0
        self.closed = False

    # -- input -------------------------------------------------------------------------

    def video(self, data: bytes, pts: int, keyframe: bool, wall: float) -> None:
        """One encoded H.264 access unit; ``pts`` in 90 kHz from the session start."""
        if self._av is None:
            if not keyframe:
                return  # a segment must start with a keyframe
            self._open(pts, wall)
        elif keyframe and self.segment_due(pts):
            self._finish(pts)
            self._open(pts, wall)
        self._mux(self._av, self._av.video, data, pts, keyframe)

    def audio(self, data: bytes, pts: int, wall: float) -> None:
        """One AAC frame (raw, no ADTS header); ``pts`` in 90 kHz from the session start."""
        if self._av is None:
            if self.has_video:
                return  # segments start with the video's keyframe
            self._open(pts, wall)
        elif not self.has_video and pts - self._start_pts >= TARGET_SECONDS * CLOCK:
            self._finish(pts)
            self._open(pts, wall)
        self._mux(self._av, self._av.audio, data, pts, True)
        if self._audio_only is not None:
            self._mux(self._audio_only, self._audio_only.audio, data, pts, True)

    def segment_due(self, pts: int) -> bool:
        """Whether the open segment is long enough for the next keyframe to end it."""
        return self._av is not None and pts - self._start_pts >= CUT_SECONDS * CLOCK

    def segment_full(self, pts: int) -> bool:
        """Whether the open segment has reached TARGET_SECONDS (when an encoder we run
        should make the next frame a keyframe)."""
        return self._av is not None and pts - self._start_pts >= TARGET_SECONDS * CLOCK

    def close(self) -> None:
        """End the broadcast: the last segment, ENDLIST everywhere, the replay as VOD."""
        if self.closed:
            return
        self.closed = True
        if self._av is not None:
            self._finish(self._last_pts + CLOCK // 30)
        self._write_playlists(ended=True)

    # -- segments ----------------------------------------------------------------------

    def _open(self, pts: int, wall: float) -> None:
        n = self.next_number
        self._av = _SegmentFile(self.folder / f"v{n:05d}.ts", self.has_video, self.audio_extradata)
        if self.audio_extradata is not None and self.has_video:
            self._audio_only = _SegmentFile(
                self.folder / f"a{n:05d}.ts", False, self.audio_extradata
            )
        self._start_pts = pts
        self._last_pts = pts
        self._started_at = wall

    def _mux(self, segment: _SegmentFile, stream, data: bytes, pts: int, keyframe: bool) -> None:
        if stream is None:
            return
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = TIME_BASE
        packet.is_keyframe = keyframe
        segment.mux(packet, stream)
        self._last_pts = max(self._last_pts, pts)

    def _finish(self, end_pts: int) -> None:
        for segment in (self._av, self._audio_only):
            if segment is not None:
                segment.close()
        seconds = max(end_pts - self._start_pts, 1) / CLOCK
        self.segments.append(
            Segment(self.next_number, seconds, self._started_at, self._discontinuity)
        )
        self._discontinuity = False
        self.next_number += 1
        self._av = self._audio_only = None
        self._write_playlists(ended=False)

    # -- playlists ---------------------------------------------------------------------

    def _write_playlists(self, *, ended: bool) -> None:
        _write_all(
            self.folder,
            self.segments,
            self.next_number,
            with_audio=self.has_video and self.audio_extradata is not None,
            ended=ended,
        )

    def _earlier_segments(self) -> list[Segment]:
        """Segments of an earlier session of the same broadcast, from its replay playlist."""
        return read_segments(self.folder)


def end_playlists(folder: Path) -> bool:
    """End the playlists of a broadcast whose packager died without closing them (its media
    server was killed): the replay becomes VOD with every complete segment, the live ones say
    ENDLIST. The segment being written when it died (a ``.tmp``) is left to the storage
    sweep. False when there was nothing to end (no replay, or already ended)."""
    replay = Path(folder) / "replay.m3u8"
    try:
        if replay.read_text(encoding="utf-8").rstrip().endswith("#EXT-X-ENDLIST"):
            return False
    except FileNotFoundError:
        return False
    segments = read_segments(Path(folder))
    next_number = segments[-1].number + 1 if segments else 0
    with_audio = (Path(folder) / "audio.m3u8").exists()
    _write_all(Path(folder), segments, next_number, with_audio=with_audio, ended=True)
    return True


def read_segments(folder: Path) -> list[Segment]:
    """The segments a broadcast folder's replay playlist lists (none without one)."""
    replay = folder / "replay.m3u8"
    if not replay.exists():
        return []
    segments, seconds, started, gap = [], 0.0, 0.0, False
    for line in replay.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXTINF:"):
            seconds = float(line[8:].rstrip(",") or 0)
        elif line == "#EXT-X-DISCONTINUITY":
            gap = True
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            started = _parse_stamp(line.split(":", 1)[1])
        elif match := _SEGMENT_LINE.match(line):
            segments.append(Segment(int(match.group(1)), seconds, started, gap))
            gap = False
    return segments


def _write_all(
    folder: Path, segments: list[Segment], next_number: int, *, with_audio: bool, ended: bool
) -> None:
    window = segments[-LIVE_WINDOW:]
    _write_atomically(
        folder / "replay.m3u8",
        _playlist(segments, "v", next_number, kind="VOD" if ended else "EVENT", ended=ended),
    )
    if with_audio:
        _write_atomically(
            folder / "audio.m3u8", _playlist(window, "a", next_number, kind=None, ended=ended)
        )
    _write_atomically(
        folder / "live.m3u8", _playlist(window, "v", next_number, kind=None, ended=ended)
    )


def _playlist(
    segments: list[Segment], prefix: str, next_number: int, *, kind: str | None, ended: bool
) -> str:
    first = segments[0].number if segments else next_number
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{TARGET_DURATION}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
    ]
    if kind:
        lines.append(f"#EXT-X-PLAYLIST-TYPE:{kind}")
    for segment in segments:
        if segment.discontinuity:
            lines.append("#EXT-X-DISCONTINUITY")
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(segment.started_at))
        millis = int((segment.started_at % 1) * 1000)
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{stamp}.{millis:03d}Z")
        lines.append(f"#EXTINF:{segment.seconds:.3f},")
        lines.append(f"{prefix}{segment.number:05d}.ts")
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _parse_stamp(text: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
