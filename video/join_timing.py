"""Where a join's first frame goes, measured inside the media server.

A subscriber's first video frame waits for three things in turn, each recorded here in ms
for the recent joins (``/video/health`` reports them, ``yunpin bench video`` reads them):

- ``answer``: the offer POST's handling (SDP parsing, certificate, ICE gathering, answer);
- ``handshake``: answer sent → the subscriber's sender started (ICE checks and DTLS; aiortc
  starts a sender once its DTLS transport is up);
- ``keyframe_wait``: sender started → the first video packet forwarded to it (a forwarding
  unit must start a subscriber on a keyframe, so this is the PLI to the publisher, the
  publisher's encoder answering, and the keyframe's trip to the server);
- ``pli_answer``: a PLI sent to a publisher → the first packet of a keyframe from it.
"""

from __future__ import annotations

from collections import deque

KEEP = 200
"""Samples kept per figure (the benchmark reads the newest ones after its steady joins)."""

samples: dict[str, deque] = {
    name: deque(maxlen=KEEP) for name in ("answer", "handshake", "keyframe_wait", "pli_answer")
}
counts: dict[str, int] = dict.fromkeys(samples, 0)


def record(name: str, seconds: float) -> None:
    samples[name].append(round(seconds * 1000, 1))
    counts[name] += 1


def report() -> dict:
    """``{name: {"count": all recorded so far, "recent_ms": the newest samples}}``."""
    return {name: {"count": counts[name], "recent_ms": list(samples[name])} for name in samples}
