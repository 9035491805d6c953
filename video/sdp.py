"""Checks an SDP offer before anything is built on it: the one gate for both ways in, the
room offer (:mod:`video.sfu`) and WHIP ingest (:mod:`video.broadcast.whip`).

aiortc accepts offers it cannot carry through: one without ``a=fingerprint`` is answered and
the peer counts as joined (or the broadcast as live), and only later a task of its DTLS
transport dies on an assertion; one with no media section is answered with an empty SDP. So
an offer is refused with :class:`~video.exceptions.BadRequest` (400) unless each media section
it would use has what ICE and DTLS need, before any peer connection or state exists.
"""

from __future__ import annotations

from aiortc.sdp import SessionDescription

from .exceptions import BadRequest, TooLarge

MAX_SDP_BYTES = 64 * 1024
"""A browser's offer is 3-10 kB; a much bigger one is junk or an attempt to make us parse it."""


def check_offer(sdp: object, kinds: tuple[str, ...]) -> SessionDescription:
    """The parsed offer, if it can be negotiated with sections of ``kinds``; raises
    :class:`TooLarge` past :data:`MAX_SDP_BYTES`, else :class:`BadRequest` saying what is
    missing. Session-level ``a=fingerprint``/``a=ice-*`` count for every section (RFC 8866)."""
    if not isinstance(sdp, str) or not sdp.lstrip().startswith("v=0"):
        raise BadRequest("the body must be an SDP offer (starting with v=0)")
    if len(sdp.encode()) > MAX_SDP_BYTES:
        raise TooLarge(f"the SDP offer is larger than {MAX_SDP_BYTES // 1024} kB")
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser asserts and splits without checking
        raise BadRequest(f"the SDP offer cannot be parsed: {exc or type(exc).__name__}") from exc
    used = [m for m in parsed.media if m.kind in kinds and m.port != 0]
    if not used:
        raise BadRequest(f"the SDP offer has no usable media section ({', '.join(kinds)})")
    for media in used:
        if media.dtls is None or not media.dtls.fingerprints:
            raise BadRequest(
                f"the SDP offer's {media.kind} section has no DTLS a=fingerprint and a=setup"
            )
        if not media.ice.usernameFragment or not media.ice.password:
            raise BadRequest(
                f"the SDP offer's {media.kind} section has no a=ice-ufrag and a=ice-pwd"
            )
    return parsed
