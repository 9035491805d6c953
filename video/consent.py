"""ICE consent freshness (RFC 7675) that survives a late answer.

aioice checks consent every 5 s with a single STUN request that it gives up on after 0.5 s
and no retransmission, and closes the connection after six such failures in a row. A peer
whose event loop is half a second late for 30 s (a loaded machine: measured on this
2-core box at load 12, client loop lag p95 up to 0.5 s) thus loses its call although it
answers every check: in ``yunpin bench video`` a quarter to half of the rooms ended this way
("Consent to send expired" in the server's log, docs/benchmarks/video.md), every call of
those rooms at 0 fps from then on.

RFC 7675 asks for something else: consent expires when no authenticated answer has come
for 30 s. :func:`install` replaces ``aioice.Connection.query_consent`` with that: a check
is retransmitted as STUN does (answers up to :data:`CHECK_WAIT` late count), and the
connection is closed once :data:`EXPIRY_SECONDS` pass without any answer. Only the media
server installs it (its peers are people's browsers and devices, which it should not drop
for answering late); the benchmark's clients keep aioice as it is, like outside clients.
"""

from __future__ import annotations

import asyncio
import random
import threading

import aioice
from aioice import ice, stun

PINNED_AIOICE = "0.13.0"
"""The aioice version whose ``Connection`` internals this module was written against."""

EXPIRY_SECONDS = 30.0
"""RFC 7675 section 5.1: consent expires this long after the last authenticated answer."""

CHECK_RETRANSMISSIONS = 2
"""Retransmissions of one check (RFC 5389 timing: sent at 0, 0.5 and 1.5 s)."""

CHECK_WAIT = 3.5
"""Seconds one check waits for its answer with :data:`CHECK_RETRANSMISSIONS`."""

AIOICE_QUERY_CONSENT = ice.Connection.query_consent
"""aioice's own check (kept for the tests that compare the two)."""

_installed = False
_install_lock = threading.Lock()


async def query_consent(self: ice.Connection) -> None:
    """Check consent every ~5 s on each nominated pair; close after :data:`EXPIRY_SECONDS`
    without an answer."""
    assert self.remote_password is not None  # as aioice: set before connect() starts this
    loop = asyncio.get_running_loop()
    answered_at = loop.time()
    while True:
        await asyncio.sleep(ice.CONSENT_INTERVAL * (0.8 + 0.4 * random.random()))
        for pair in list(self._nominated.values()):
            request = self.build_request(pair, nominate=False)
            try:
                await pair.protocol.request(
                    request,
                    pair.remote_addr,
                    integrity_key=self.remote_password.encode("utf8"),
                    retransmissions=CHECK_RETRANSMISSIONS,
                )
                answered_at = loop.time()
            except stun.TransactionError:
                pass
        if loop.time() - answered_at >= EXPIRY_SECONDS:
            self._Connection__log_info("Consent to send expired")
            self._query_consent_task = None
            return await self.close()


def install() -> None:
    """Patch aioice (idempotent). Raises if aioice is not the pinned version."""
    global _installed
    with _install_lock:
        if _installed:
            return
        if aioice.__version__ != PINNED_AIOICE:
            raise RuntimeError(
                f"video.consent relies on aioice {PINNED_AIOICE} internals, "
                f"found {aioice.__version__}"
            )
        ice.Connection.query_consent = query_consent
        _installed = True
