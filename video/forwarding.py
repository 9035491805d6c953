"""Forward encoded media between aiortc peers without decoding or re-encoding.

Everything here that touches aiortc internals lives in this one module, and it is only
known to work with the pinned ``aiortc==1.16.0`` (checked by :func:`install`):

* **Forwarding packets.** An interview room forwards RTP packets, not frames: the
  publisher's ``RTCRtpReceiver`` still does what a receiver owes its sender (statistics and
  receiver reports, NACKs, REMB, RTX unwrapping), but its jitter buffer is swapped for a
  :class:`_PacketTap` that hands every packet to the :class:`Publisher`, and each
  :class:`ForwardTrack` rewrites what belongs to its own sender (SSRC, payload type, sequence
  number and timestamp offsets, mid, abs-send-time) and sends it on that sender's transport,
  keeping it in the sender's history so aiortc answers the subscriber's NACKs. No frame is
  reassembled and packetized again and no queue or task sits between the two sockets, so a
  packet leaves as it arrives (measured CPU: no difference from the frame path beyond the
  noise, docs/benchmarks/video.md). The sender's own loop waits in
  :meth:`ForwardTrack.recv` until the track stops.
* **Receiving undecoded frames** (identity checks, broadcasts, the benchmark's receivers).
  ``RTCRtpReceiver`` reassembles frames in its jitter buffer and puts them on a queue read by
  a decoder thread. :func:`mark_passthrough` swaps that queue
  (``_RTCRtpReceiver__decoder_queue``, before the thread starts) for an :class:`_InlineQueue`
  that wraps each encoded frame in an ``av.Packet`` (pts = RTP timestamp, keyframe flag)
  right in the event loop: no decoder, and no per-frame thread hop. Fallback if the thread
  already runs: :func:`install` replaces ``aiortc.rtcrtpreceiver.get_decoder`` so that thread
  gets a :class:`PassThroughDecoder` (recognised by the thread's ``args[2]``, the track
  queue). Unmarked tracks (e.g. a test client that wants pictures) still get the real
  decoder. A room publisher assembles frames only while a frame subscriber (the identity
  check's liveness tap) listens.
* **Keyframes.** A new subscriber must start on a keyframe: :class:`ForwardTrack` drops
  video until the first packet of one arrives and asks the source for one with the
  receiver's ``_send_rtcp_pli`` the moment its sender starts (DTLS up: a keyframe asked for
  earlier would reach the server before it can be sent on, and be wasted), and again on
  later deltas while it waits. Such a starting request is not held back by the per-source
  rate limit once the previous request was answered with a keyframe. A cached keyframe is
  never sent instead: the deltas after it reference newer frames than it. PLI/FIR from a
  subscriber reach ``RTCRtpSender._send_keyframe`` (which would only flag the absent
  encoder); :meth:`ForwardTrack.bind` reroutes it to the source.
* **Header-extension ids.** aiortc writes its fixed extmap ids (mid=1, audio-level=2, ...)
  into its own offers, even for m-lines where the browser chose other ids; Chrome rejects
  that ("RTP extension ID reassignment not supported"). :func:`align_extmap_ids` rewrites
  a server offer to the ids the client already uses; aiortc adopts the ids of the answer.
* **Payload types after renegotiation.** ``createOffer`` resets every transceiver to
  aiortc's own payload-type numbers, but a started ``RTCRtpReceiver`` never updates its
  payload-type table, so after a server re-offer a browser's packets (now with aiortc's
  numbers) would be dropped (by the receiver's table and by the DTLS transport's RTP
  router, which routes by payload type). :func:`adopt_negotiated_codecs` refreshes both.
* **Send parameters.** :func:`install` wraps ``RTCRtpSender.send`` to keep the negotiated
  payload type on the sender (aiortc only hands it to its own loop).
* **Bandwidth.** A forwarding server has no encoder to steer, and the publisher's sending
  rate should follow what its subscribers can take, not what reaches the server: a room
  publisher's receiver runs no bandwidth estimator (per video packet it was a tenth of the
  server's CPU); the subscribers' REMB is relayed to the publisher instead (the lowest fresh
  one, shared among the video streams it covers), as SFUs without transport-wide feedback do.
  While a frame subscriber (the identity check) reads the video, the server estimates itself.
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
    RTP_HISTORY_SIZE,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtpPacket,
    pack_remb_fci,
    unpack_remb_fci,
)
from aiortc.utils import random16, random32, uint16_add, uint32_add

from . import join_timing

logger = logging.getLogger(__name__)

PINNED_AIORTC = "1.16.0"
"""The aiortc version whose internals this module was written and tested against."""

KEYFRAME_REQUEST_INTERVAL = 0.3
"""Seconds between two PLIs sent to one source: several subscribers joining at once (or a
lossy link) must not turn into a PLI storm that makes the source send only keyframes. A
subscriber still waiting for its first keyframe may ask sooner when the last request has
been answered (it needs a keyframe the earlier ones could not use; one per joiner)."""

REMB_FRESH_SECONDS = 3.0
"""A subscriber's bandwidth estimate older than this no longer holds its publisher back."""

REMB_MIN_INTERVAL = 0.25
"""Seconds between two bandwidth estimates (REMB) one receiver sends. aiortc's estimator sends
one with every packet while it sees its input as overusing, which is exactly when a loaded
server falls behind: measured 600-1,000 REMB a second from one server at 10 rooms, each an
encrypted datagram more. libwebrtc paces REMB too (a few a second)."""

NTP_UNIX_OFFSET = 2_208_988_800
"""Seconds from the NTP epoch (1900) to the Unix one (1970)."""

TIMESTAMP_STEP = {"audio": 960, "video": 3000}
"""RTP clock ticks between a source's last packet and the next source's first one on a
subscriber's stream (20 ms of Opus at 48 kHz, one frame at 30 fps on the 90 kHz video clock),
so a subscriber switched to another participant sees its timestamps go on, not jump back."""

stats = {
    "passthrough_decoders": 0,
    "real_decoders": 0,
    "packets_forwarded": 0,
    "pli_sent": 0,
    "nack_sent": 0,
    "remb_sent": 0,
    "remb_relayed": 0,
    "nack_received": 0,
    "nacked_packets": 0,
    "keyframe_requests_received": 0,
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
        _keep_send_payload_type()
        _count_rtcp_feedback()
        _installed = True


def _keep_send_payload_type() -> None:
    send = RTCRtpSender.send

    async def send_keeping_payload_type(self, parameters) -> None:
        starting = not hasattr(self, "_yunpin_payload_type")  # aiortc starts a sender once
        if starting:
            self._yunpin_payload_type = parameters.codecs[0].payloadType
        await send(self, parameters)
        if starting and isinstance(self.track, ForwardTrack):
            self.track.sender_started()

    RTCRtpSender.send = send_keeping_payload_type


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
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            _relay_remb(self, packet)
        await handle_rtcp(self, packet)

    rtcrtpreceiver.RTCRtpReceiver._send_rtcp = counted_send_rtcp
    RTCRtpSender._handle_rtcp_packet = counted_handle_rtcp


def _relay_remb(sender: RTCRtpSender, packet: RtcpPsfbPacket) -> None:
    track = sender.track
    if not isinstance(track, ForwardTrack) or track.publisher is None:
        return
    try:
        bitrate, ssrcs = unpack_remb_fci(packet.fci)
    except ValueError:
        return
    track.publisher.bandwidth_estimate(track, bitrate // max(len(ssrcs), 1))


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


class _PacketTap:
    """Stands in for a room publisher's jitter buffer (see the module notes): the receiver
    has already unwrapped RTX and parsed the payload when it adds a packet here."""

    def __init__(self, publisher: Publisher, jitter_buffer) -> None:
        self.publisher = publisher
        self.jitter_buffer = jitter_buffer
        self.pending: list[RtpPacket] = []

    def add(self, packet: RtpPacket) -> tuple[bool, object]:
        if packet.payload:  # padding-only packets carry nothing to forward
            self.pending.append(packet)
        if self.publisher.subscribers:
            return self.jitter_buffer.add(packet)
        return False, None


def ntp_now() -> int:
    """The 64-bit NTP time (aiortc's ``clock.current_ntp_time`` goes through datetime objects,
    twice per forwarded packet a measurable cost)."""
    seconds = time.time() + NTP_UNIX_OFFSET
    return (int(seconds) << 32) | int((seconds % 1) * (1 << 32))


def starts_keyframe(mime_type: str, packet: RtpPacket) -> bool:
    """Whether a received packet (payload parsed by the receiver) begins a keyframe."""
    data = getattr(packet, "_data", b"")
    if mime_type == "video/vp8":
        # Payload descriptor: S (start of a partition) set and partition index 0 (RFC 7741
        # 4.2); then the frame tag's bit 0 is 0 for a key frame.
        descriptor = packet.payload[0]
        return bool(descriptor & 0x10 and descriptor & 0x07 == 0 and data and data[0] & 0x01 == 0)
    return is_keyframe(mime_type, data)


class Publisher:
    """One participant's incoming track: its RTP packets go to any number of
    :class:`ForwardTrack` (other participants), its frames to frame subscribers (taps with
    ``push(packet, keyframe)``, e.g. the identity check's liveness session)."""

    def __init__(self, track: MediaStreamTrack, receiver):
        self.kind = track.kind
        self.track = track
        self.receiver = receiver
        self.forwards: set[ForwardTrack] = set()
        self.subscribers: set = set()
        self._estimates: dict[ForwardTrack, tuple[int, float]] = {}
        self._last_pli = 0.0
        self._pli_unanswered = False  # a PLI went out and no keyframe has come since
        self._tap_receiver(receiver)
        self._task = asyncio.ensure_future(self._run())

    def _tap_receiver(self, receiver) -> None:
        codecs = receiver._RTCRtpReceiver__codecs
        estimator = receiver._RTCRtpReceiver__remote_bitrate_estimator
        tap = _PacketTap(self, receiver._RTCRtpReceiver__jitter_buffer)
        receiver._RTCRtpReceiver__jitter_buffer = tap
        handle = receiver._handle_rtp_packet

        async def handle_and_forward(packet: RtpPacket, arrival_time_ms: int) -> None:
            receiver._RTCRtpReceiver__remote_bitrate_estimator = (
                estimator if self.subscribers else None
            )
            await handle(packet, arrival_time_ms=arrival_time_ms)
            if not tap.pending:
                return
            packets, tap.pending = tap.pending, []
            for packet in packets:
                codec = codecs.get(packet.payload_type)
                mime_type = codec.mimeType.lower() if codec else ""
                if self._pli_unanswered and starts_keyframe(mime_type, packet):
                    self._pli_unanswered = False
                    join_timing.record("pli_answer", time.monotonic() - self._last_pli)
                for forward in tuple(self.forwards):
                    await forward.forward(packet, mime_type)

        receiver._handle_rtp_packet = handle_and_forward

    async def _run(self) -> None:
        """Hand assembled frames to the frame subscribers (only assembled while there are some)."""
        try:
            while True:
                packet = await self.track.recv()
                if not isinstance(packet, av.Packet):
                    raise TypeError("Publisher needs a track marked with mark_passthrough()")
                key = bool(packet.is_keyframe)
                for sub in tuple(self.subscribers):
                    sub.push(packet, key)
        except (MediaStreamError, asyncio.CancelledError):
            pass
        except Exception:  # pragma: no cover - logged, never silently kills a room
            logger.exception("publisher %s crashed", self.kind)

    def bandwidth_estimate(self, forward: ForwardTrack, bitrate: int) -> None:
        """FORWARD's subscriber can take BITRATE (bit/s): tell the source the lowest fresh
        estimate (REMB, paced by the receiver's wrapper)."""
        if self.subscribers:  # the server reads the frames itself: its own estimate rules
            return
        now = time.monotonic()
        self._estimates[forward] = (bitrate, now)
        self._estimates = {
            f: (b, at)
            for f, (b, at) in self._estimates.items()
            if f in self.forwards and now - at < REMB_FRESH_SECONDS
        }
        rtcp_ssrc = self.receiver._RTCRtpReceiver__rtcp_ssrc
        sources = [s.source for s in self.receiver.getSynchronizationSources()]
        if rtcp_ssrc is None or not sources:
            return
        lowest = min(b for b, _at in self._estimates.values())
        remb = RtcpPsfbPacket(
            fmt=RTCP_PSFB_APP, ssrc=rtcp_ssrc, media_ssrc=0, fci=pack_remb_fci(lowest, sources)
        )
        stats["remb_relayed"] += 1
        asyncio.ensure_future(self.receiver._send_rtcp(remb))

    def subscribe(self, sub) -> None:
        """Add a frame subscriber."""
        self.subscribers.add(sub)
        self.request_keyframe()

    def request_keyframe(self, starting: bool = False) -> None:
        """Ask the source for a keyframe, at most once per :data:`KEYFRAME_REQUEST_INTERVAL`;
        ``starting`` (a subscriber that has had none yet) only waits for an unanswered one."""
        if self.kind != "video":
            return
        now = time.monotonic()
        recent = now - self._last_pli < KEYFRAME_REQUEST_INTERVAL
        if recent and (self._pli_unanswered or not starting):
            return
        # A source that has sent nothing yet starts with a keyframe anyway; not counting the
        # unsent request lets the first delta frame ask at once if that keyframe was lost.
        if request_pli(self.receiver):
            self._last_pli = now
            self._pli_unanswered = True

    def stop(self) -> None:
        self._task.cancel()
        for forward in tuple(self.forwards):
            forward.detach()
        for sub in tuple(self.subscribers):
            sub.detach()
        self.subscribers.clear()


class ForwardTrack(MediaStreamTrack):
    """An outgoing track carrying one publisher's RTP packets to one subscriber's sender.

    The track outlives its source: :meth:`attach` / :meth:`detach` switch publishers, so
    a sender's transceiver is reused when somebody leaves and somebody else joins, and
    ``replaceTrack`` is never needed. Each source gets offsets that continue the sequence
    numbers and timestamps the subscriber has seen, from its first keyframe on.
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.publisher: Publisher | None = None
        self.sender: RTCRtpSender | None = None
        self._offsets: tuple[int, int] | None = None
        self._next_sequence = random16()
        self._next_timestamp = random32()
        self._stopped = asyncio.Event()
        self.answered_at: float | None = None  # set by the SFU when its answer goes out
        self._started_at: float | None = None  # the sender's start (DTLS up), until a keyframe

    def bind(self, sender: RTCRtpSender) -> None:
        """Send on SENDER; route the keyframe requests (PLI/FIR) it receives to the source."""
        self.sender = sender
        sender._send_keyframe = self.request_keyframe

    @property
    def started(self) -> bool:
        return hasattr(self.sender, "_yunpin_payload_type")

    def sender_started(self) -> None:
        """The sender can send from now on: ask the source for the keyframe to start on."""
        self._started_at = time.monotonic()
        if self.answered_at is not None and self.kind == "video":  # one sample per join
            join_timing.record("handshake", self._started_at - self.answered_at)
        self.request_keyframe()

    def attach(self, publisher: Publisher) -> None:
        if publisher.kind != self.kind:
            raise ValueError("publisher kind mismatch")
        self.detach()
        self.publisher = publisher
        publisher.forwards.add(self)
        self._started_at = time.monotonic() if self.started else None
        self.request_keyframe()  # only once the sender runs: see sender_started

    def detach(self) -> None:
        if self.publisher is not None:
            self.publisher.forwards.discard(self)
            self.publisher = None
        self._offsets = None

    def request_keyframe(self) -> None:
        if self.publisher is not None and self.started:
            self.publisher.request_keyframe(starting=self._offsets is None)

    async def forward(self, packet: RtpPacket, mime_type: str) -> None:
        sender = self.sender
        payload_type = getattr(sender, "_yunpin_payload_type", None)
        if payload_type is None or self.readyState != "live" or not sender._enabled:
            return  # not negotiated yet, stopped, or paused
        if self._offsets is None:
            if self.kind == "video" and not starts_keyframe(mime_type, packet):
                self.request_keyframe()
                return
            self._offsets = (
                uint16_add(self._next_sequence, -packet.sequence_number),
                uint32_add(self._next_timestamp, -packet.timestamp),
            )
            if self.kind == "video" and self._started_at is not None:
                join_timing.record("keyframe_wait", time.monotonic() - self._started_at)
                self._started_at = None
        sequence_offset, timestamp_offset = self._offsets
        out = RtpPacket(
            payload_type=payload_type,
            marker=packet.marker,
            sequence_number=uint16_add(packet.sequence_number, sequence_offset),
            timestamp=uint32_add(packet.timestamp, timestamp_offset),
            ssrc=sender._ssrc,
            payload=packet.payload,
        )
        ntp = ntp_now()
        out.extensions.abs_send_time = (ntp >> 14) & 0x00FFFFFF
        out.extensions.mid = sender._RTCRtpSender__mid
        out.extensions.audio_level = packet.extensions.audio_level
        if uint16_add(out.sequence_number, -self._next_sequence) < 0x8000:  # newest so far
            self._next_sequence = uint16_add(out.sequence_number, 1)
            self._next_timestamp = uint32_add(out.timestamp, TIMESTAMP_STEP[self.kind])
        sender._RTCRtpSender__rtp_history[out.sequence_number % RTP_HISTORY_SIZE] = out
        try:
            await sender.transport._send_rtp(
                out.serialize(sender._RTCRtpSender__rtp_header_extensions_map)
            )
        except ConnectionError:
            return
        # What the sender's RTCP sender reports tell the subscriber (lip sync, statistics).
        sender._RTCRtpSender__ntp_timestamp = ntp
        sender._RTCRtpSender__rtp_timestamp = out.timestamp
        sender._RTCRtpSender__octet_count += len(out.payload)
        sender._RTCRtpSender__packet_count += 1
        stats["packets_forwarded"] += 1

    async def recv(self):
        """Where the sender's own loop waits: everything is sent by :meth:`forward`."""
        await self._stopped.wait()
        raise MediaStreamError

    def stop(self) -> None:
        if self.readyState == "live":
            self.detach()
            self._stopped.set()
        super().stop()
