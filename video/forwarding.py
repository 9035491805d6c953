"""Forward encoded media between aiortc peers without decoding or re-encoding.

Everything here that touches aiortc internals lives in this one module, and it is only
known to work with the pinned ``aiortc==1.16.0`` (checked by :func:`install`):

* **Receiving undecoded.** ``RTCRtpReceiver`` reassembles frames in its jitter buffer and
  puts them on a queue read by a decoder thread. :func:`mark_passthrough` swaps that
  queue (``_RTCRtpReceiver__decoder_queue``, before the thread starts) for an
  :class:`_InlineQueue` that wraps each encoded frame in an ``av.Packet`` (pts = RTP
  timestamp, keyframe flag) right in the event loop and hands it to the track: no decoder,
  and no per-frame thread hop (which under load cost more than the forwarding itself).
  Fallback if the thread already runs: :func:`install` replaces
  ``aiortc.rtcrtpreceiver.get_decoder`` so that thread gets a :class:`PassThroughDecoder`
  (recognised by the thread's ``args[2]``, the track queue). Unmarked tracks (e.g. a test
  client that wants pictures) still get the real decoder.
* **Sending unencoded.** ``RTCRtpSender`` re-packetizes ``av.Packet`` objects with the
  codec's ``pack()`` (the path ``MediaPlayer(decode=False)`` uses), so a
  :class:`ForwardTrack` that yields packets makes the sender skip the encoder.
* **Keyframes.** A new subscriber must start on a keyframe: :class:`ForwardTrack` drops
  video until one arrives and asks the source for one with the receiver's
  ``_send_rtcp_pli``. PLI/FIR from a subscriber reach ``RTCRtpSender._send_keyframe``
  (which would only flag the absent encoder); :func:`relay_keyframe_requests` reroutes it
  to the source.
* **Header-extension ids.** aiortc writes its fixed extmap ids (mid=1, audio-level=2, ...)
  into its own offers, even for m-lines where the browser chose other ids; Chrome rejects
  that ("RTP extension ID reassignment not supported"). :func:`align_extmap_ids` rewrites
  a server offer to the ids the client already uses; aiortc adopts the ids of the answer.
* **Payload types after renegotiation.** ``createOffer`` resets every transceiver to
  aiortc's own payload-type numbers, but a started ``RTCRtpReceiver`` never updates its
  payload-type table, so after a server re-offer a browser's packets (now with aiortc's
  numbers) would be dropped (by the receiver's table and by the DTLS transport's RTP
  router, which routes by payload type). :func:`adopt_negotiated_codecs` refreshes both.
* **RTCP feedback.** :func:`install` wraps ``RTCRtpReceiver._send_rtcp`` and
  ``RTCRtpSender._handle_rtcp_packet`` to count PLI/NACK/REMB in :data:`stats` and to send at
  most one REMB per receiver per :data:`REMB_MIN_INTERVAL` (aiortc sends one per packet while
  its estimator reads "overusing").
* **One codec per room.** Forwarding cannot transcode, so every transceiver is restricted
  with ``setCodecPreferences`` (:func:`codec_preferences`) *before* the remote description
  is applied; after it aiortc silently ignores the preference on the answering side.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import queue
import re
import threading
import time
import weakref
from collections.abc import Callable

import aiortc
import av
from aiortc import MediaStreamTrack, RTCRtpSender, rtcrtpreceiver
from aiortc.codecs import get_decoder as _real_get_decoder
from aiortc.codecs.base import Decoder
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_FIR,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
)

logger = logging.getLogger(__name__)

PINNED_AIORTC = "1.16.0"
"""The aiortc version whose internals this module was written and tested against."""

KEYFRAME_REQUEST_INTERVAL = 0.3
"""Seconds between two PLIs sent to one source: several subscribers joining at once (or a
lossy link) must not turn into a PLI storm that makes the source send only keyframes."""

REMB_MIN_INTERVAL = 0.25
"""Seconds between two bandwidth estimates (REMB) one receiver sends. aiortc's estimator sends
one with every packet while it sees its input as overusing, which is exactly when a loaded
server falls behind: measured 600-1,000 REMB a second from one server at 10 rooms, each an
encrypted datagram more. libwebrtc paces REMB too (a few a second)."""

FORWARD_QUEUE_FRAMES = 90
"""Frames a slow subscriber may lag behind (~3 s of video) before its queue is reset."""

stats = {
    "passthrough_decoders": 0,
    "real_decoders": 0,
    "frames_forwarded": 0,
    "pli_sent": 0,
    "nack_sent": 0,
    "remb_sent": 0,
    "nack_received": 0,
    "nacked_packets": 0,
    "keyframe_requests_received": 0,
    "queue_resets": 0,
}
"""Process-wide counters: tests read them to prove no decoder ran on forwarded tracks, and the
benchmark reads the RTCP feedback ones (PLI, NACK, REMB sent by this process's receivers;
NACK and PLI/FIR received by its senders) to tell a keyframe or retransmission storm from
plain CPU cost."""

_passthrough_queues: weakref.WeakSet = weakref.WeakSet()
_installed = False
_install_lock = threading.Lock()


class PassThroughDecoder(Decoder):
    """A "decoder" that returns the encoded frame as an ``av.Packet``."""

    def __init__(self, codec) -> None:
        self.time_base = fractions.Fraction(1, codec.clockRate)
        self.mime_type = codec.mimeType.lower()

    def decode(self, encoded_frame) -> list:
        packet = av.Packet(encoded_frame.data)
        packet.pts = encoded_frame.timestamp
        packet.time_base = self.time_base
        packet.is_keyframe = is_keyframe(self.mime_type, encoded_frame.data)
        return [packet]


def is_keyframe(mime_type: str, data: bytes) -> bool:
    """Whether an encoded frame can start a decode (audio frames always can)."""
    if not mime_type.startswith("video/"):
        return True
    if not data:
        return False
    if mime_type == "video/vp8":
        # VP8 frame tag: bit 0 of the first byte is 0 for a key frame (RFC 6386 9.1).
        return (data[0] & 0x01) == 0
    if mime_type == "video/h264":
        i = data.find(b"\x00\x00\x01")
        while i != -1:
            if i + 3 < len(data) and (data[i + 3] & 0x1F) in (5, 7):  # IDR slice or SPS
                return True
            i = data.find(b"\x00\x00\x01", i + 3)
        return False
    return False


def _get_decoder(codec):
    args = getattr(threading.current_thread(), "_args", ())
    if len(args) >= 3 and isinstance(args[2], asyncio.Queue) and args[2] in _passthrough_queues:
        stats["passthrough_decoders"] += 1
        return PassThroughDecoder(codec)
    stats["real_decoders"] += 1
    return _real_get_decoder(codec)


def install() -> None:
    """Patch aiortc (idempotent). Raises if aiortc is not the pinned version."""
    global _installed
    with _install_lock:
        if _installed:
            return
        if aiortc.__version__ != PINNED_AIORTC:
            raise RuntimeError(
                f"video.forwarding relies on aiortc {PINNED_AIORTC} internals, found {aiortc.__version__}"
            )
        rtcrtpreceiver.get_decoder = _get_decoder
        _count_rtcp_feedback()
        _installed = True


def _count_rtcp_feedback() -> None:
    """Count RTCP feedback in :data:`stats` by wrapping the two methods it passes, and send at
    most one REMB per :data:`REMB_MIN_INTERVAL` from each receiver."""
    send_rtcp = rtcrtpreceiver.RTCRtpReceiver._send_rtcp
    handle_rtcp = RTCRtpSender._handle_rtcp_packet

    async def counted_send_rtcp(self, packet) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            now = time.monotonic()
            if now - getattr(self, "_yunpin_remb_at", 0.0) < REMB_MIN_INTERVAL:
                return
            self._yunpin_remb_at = now
            stats["remb_sent"] += 1
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_PLI:
            stats["pli_sent"] += 1
        elif isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            stats["nack_sent"] += 1
        await send_rtcp(self, packet)

    async def counted_handle_rtcp(self, packet) -> None:
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            stats["nack_received"] += 1
            stats["nacked_packets"] += len(packet.lost)
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
            stats["keyframe_requests_received"] += 1
        await handle_rtcp(self, packet)

    rtcrtpreceiver.RTCRtpReceiver._send_rtcp = counted_send_rtcp
    RTCRtpSender._handle_rtcp_packet = counted_handle_rtcp


class _InlineQueue:
    """Stands in for a receiver's decoder queue; converts frames in the event-loop thread."""

    def __init__(self, track: MediaStreamTrack) -> None:
        self._track_queue: asyncio.Queue = track._queue
        self._decoders: dict[int, PassThroughDecoder] = {}
        self._control: queue.Queue = queue.Queue()

    def put(self, item) -> None:
        if item is None:  # receiver stopping: let the idle decoder thread end the track
            self._control.put(None)
            return
        codec, encoded_frame = item
        decoder = self._decoders.get(codec.payloadType)
        if decoder is None:
            decoder = self._decoders[codec.payloadType] = PassThroughDecoder(codec)
            stats["passthrough_decoders"] += 1
        for packet in decoder.decode(encoded_frame):
            self._track_queue.put_nowait(packet)

    def get(self):  # only the (otherwise idle) decoder thread calls this
        return self._control.get()


def mark_passthrough(track: MediaStreamTrack, receiver=None) -> None:
    """Make a remote track yield encoded ``av.Packet`` s instead of decoded frames.

    Call it from the ``pc.on("track")`` handler (it fires inside ``setRemoteDescription``,
    before the receiver starts) and pass the track's ``RTCRtpReceiver``.
    """
    install()
    if receiver is not None and getattr(receiver, "_RTCRtpReceiver__decoder_thread", True) is None:
        receiver._RTCRtpReceiver__decoder_queue = _InlineQueue(track)
    else:
        _passthrough_queues.add(track._queue)


_EXTMAP_RE = re.compile(r"^a=extmap:(\d+)(/\w+)? (\S+)(.*)$", re.M)


def align_extmap_ids(offer_sdp: str, reference_sdp: str | None) -> str:
    """Rewrite ``a=extmap`` ids in ``offer_sdp`` to those of ``reference_sdp`` (same URI).

    Extensions the reference never used keep their id unless it is taken, else are dropped.
    """
    if not reference_sdp:
        return offer_sdp
    ids: dict[str, str] = {}
    for m in _EXTMAP_RE.finditer(reference_sdp):
        ids.setdefault(m.group(3), m.group(1))
    taken = set(ids.values())

    def fix(m: re.Match) -> str:
        uri = m.group(3)
        if uri in ids:
            return f"a=extmap:{ids[uri]}{m.group(2) or ''} {uri}{m.group(4)}"
        if m.group(1) in taken:
            return "\x00"
        return m.group(0)

    out = _EXTMAP_RE.sub(fix, offer_sdp)
    return "".join(line for line in out.splitlines(keepends=True) if not line.startswith("\x00"))


def adopt_negotiated_codecs(pc) -> None:
    """After any remote description: let started receivers accept the new payload types."""
    for t in pc.getTransceivers():
        table = getattr(t.receiver, "_RTCRtpReceiver__codecs", None)
        if table is None:
            continue
        for codec in t._codecs:
            table[codec.payloadType] = codec
        # The DTLS transport's RTP router also routes by payload type (registered once).
        router = t.receiver.transport._rtp_router
        if t.receiver in router.receivers:
            router.register_receiver(
                t.receiver, ssrcs=[], payload_types=[c.payloadType for c in t._codecs]
            )


def codec_preferences(kind: str, codec: str = "VP8") -> list:
    """Capabilities restricted to the room codec (and its RTX) for video, Opus for audio."""
    caps = RTCRtpSender.getCapabilities(kind).codecs
    if kind == "audio":
        return [c for c in caps if c.mimeType.lower() == "audio/opus"]
    wanted = f"video/{codec.lower()}"
    return [c for c in caps if c.mimeType.lower() in (wanted, "video/rtx")]


def request_pli(receiver) -> bool:
    """Ask the sender behind ``receiver`` for a keyframe (PLI to every active SSRC); False if
    nothing has arrived from it yet (no SSRC to address)."""
    sources = receiver.getSynchronizationSources()
    for source in sources:
        asyncio.ensure_future(receiver._send_rtcp_pli(source.source))
    return bool(sources)


def relay_keyframe_requests(sender: RTCRtpSender) -> None:
    """Route PLI/FIR received by ``sender`` to the source of whatever track it sends."""

    def _send_keyframe() -> None:
        track = sender.track
        if isinstance(track, ForwardTrack):
            track.request_keyframe()

    sender._send_keyframe = _send_keyframe


class Publisher:
    """One participant's incoming track, fanned out to any number of :class:`ForwardTrack`."""

    def __init__(self, track: MediaStreamTrack, receiver, log: Callable[..., None] | None = None):
        self.kind = track.kind
        self.track = track
        self.receiver = receiver
        self.subscribers: set[ForwardTrack] = set()
        self.frames = 0
        self._last_pli = 0.0
        self._log = log or logger.debug
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while True:
                packet = await self.track.recv()
                if not isinstance(packet, av.Packet):
                    raise TypeError("Publisher needs a track marked with mark_passthrough()")
                self.frames += 1
                key = bool(packet.is_keyframe)
                for sub in tuple(self.subscribers):
                    sub.push(packet, key)
        except (MediaStreamError, asyncio.CancelledError):
            pass
        except Exception:  # pragma: no cover - logged, never silently kills a room
            logger.exception("publisher %s crashed", self.kind)

    def subscribe(self, sub: ForwardTrack) -> None:
        self.subscribers.add(sub)
        self.request_keyframe()

    def request_keyframe(self) -> None:
        if self.kind != "video":
            return
        now = time.monotonic()
        if now - self._last_pli < KEYFRAME_REQUEST_INTERVAL:
            return
        # A source that has sent nothing yet starts with a keyframe anyway; not counting the
        # unsent request lets the first delta frame ask at once if that keyframe was lost.
        if request_pli(self.receiver):
            self._last_pli = now

    def stop(self) -> None:
        self._task.cancel()
        for sub in tuple(self.subscribers):
            sub.detach()
        self.subscribers.clear()


class ForwardTrack(MediaStreamTrack):
    """An outgoing track replaying one publisher's encoded frames to one subscriber.

    The track outlives its source: :meth:`attach` / :meth:`detach` switch publishers, so
    a sender's transceiver is reused when somebody leaves and somebody else joins, and
    ``replaceTrack`` (which would strand the sender in the old track's ``recv``) is never
    needed.
    """

    def __init__(self, kind: str, publisher: Publisher | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.publisher: Publisher | None = None
        self._queue: asyncio.Queue = asyncio.Queue()
        self._waiting_keyframe = kind == "video"
        if publisher is not None:
            self.attach(publisher)

    def attach(self, publisher: Publisher) -> None:
        if publisher.kind != self.kind:
            raise ValueError("publisher kind mismatch")
        self.detach()
        self.publisher = publisher
        self._waiting_keyframe = self.kind == "video"
        publisher.subscribe(self)

    def detach(self) -> None:
        if self.publisher is not None:
            self.publisher.subscribers.discard(self)
            self.publisher = None
        while not self._queue.empty():
            self._queue.get_nowait()

    def push(self, packet: av.Packet, keyframe: bool) -> None:
        if self.readyState != "live" or self.publisher is None:
            return
        if self._waiting_keyframe:
            if not keyframe:
                self.publisher.request_keyframe()
                return
            self._waiting_keyframe = False
        if self._queue.qsize() >= FORWARD_QUEUE_FRAMES:
            # The subscriber fell behind; skipping frames breaks the decode chain, so
            # restart cleanly from the next keyframe instead.
            while not self._queue.empty():
                self._queue.get_nowait()
            stats["queue_resets"] += 1
            if self.kind == "video" and not keyframe:
                self._waiting_keyframe = True
                self.publisher.request_keyframe()
                return
        self._queue.put_nowait(packet)

    def request_keyframe(self) -> None:
        if self.publisher is not None:
            self.publisher.request_keyframe()

    async def recv(self) -> av.Packet:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        stats["frames_forwarded"] += 1
        return packet

    def stop(self) -> None:
        if self.readyState == "live":
            self.detach()
            self._queue.put_nowait(None)
        super().stop()
