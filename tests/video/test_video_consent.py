"""ICE consent freshness on the media server: a peer that answers consent checks late keeps
its connection, one that stops answering loses it (``video/consent.py``). Real aioice
connections over UDP; the late peer's STUN answers are held back as a late event loop would."""

from __future__ import annotations

import asyncio

import pytest
from aioice import ice

from video import consent

LATE_SECONDS = 1.0
"""How late the answering peer handles each datagram (aioice alone gives up after 0.5 s)."""


async def _connected_pair() -> tuple[ice.Connection, ice.Connection]:
    checker = ice.Connection(ice_controlling=True, components=1, use_ipv6=False)
    answerer = ice.Connection(ice_controlling=False, components=1, use_ipv6=False)
    for connection in (checker, answerer):
        await connection.gather_candidates()
    for local, remote in ((checker, answerer), (answerer, checker)):
        for candidate in remote.local_candidates:
            await local.add_remote_candidate(candidate)
        await local.add_remote_candidate(None)
        local.remote_username, local.remote_password = remote.local_username, remote.local_password
    await asyncio.gather(checker.connect(), answerer.connect())
    return checker, answerer


def _answer_late(connection: ice.Connection, seconds: float | None) -> None:
    """Handle every datagram ``seconds`` late (None: never) on the connection's sockets."""
    loop = asyncio.get_running_loop()
    for protocol in connection._protocols:
        handle = type(protocol).datagram_received.__get__(protocol)
        if seconds is None:
            protocol.datagram_received = lambda data, addr: None
        else:
            protocol.datagram_received = lambda data, addr, h=handle: loop.call_later(
                seconds, h, data, addr
            )


async def _still_connected(connection: ice.Connection) -> bool:
    try:
        await connection.send(b"\x80probe")  # an RTP-looking datagram: not parsed as STUN
    except ConnectionError:
        return False
    return True


@pytest.fixture
def fast_checks(monkeypatch):
    """Checks every ~0.1 s and expiry after 2 s, so the test takes seconds, not minutes."""
    monkeypatch.setattr(ice, "CONSENT_INTERVAL", 0.1)
    monkeypatch.setattr(consent, "EXPIRY_SECONDS", 2.0)


@pytest.mark.parametrize(
    ("query_consent", "keeps_call"),
    [(consent.query_consent, True), (consent.AIOICE_QUERY_CONSENT, False)],
    ids=["server", "aioice-alone"],
)
def test_late_answers_keep_consent_only_with_the_servers_check(
    monkeypatch, fast_checks, query_consent, keeps_call
):
    monkeypatch.setattr(ice.Connection, "query_consent", query_consent)

    async def scenario() -> bool:
        checker, answerer = await _connected_pair()
        try:
            _answer_late(answerer, LATE_SECONDS)
            # aioice alone: six failed checks of 0.1 + 0.5 s each close the connection
            await asyncio.sleep(5.0)
            return await _still_connected(checker)
        finally:
            await asyncio.gather(checker.close(), answerer.close())

    assert asyncio.run(scenario()) is keeps_call


def test_consent_expires_when_the_peer_stops_answering(monkeypatch, fast_checks):
    monkeypatch.setattr(ice.Connection, "query_consent", consent.query_consent)

    async def scenario() -> tuple[bool, bool]:
        checker, answerer = await _connected_pair()
        try:
            _answer_late(answerer, None)
            await asyncio.sleep(0.5)
            before = await _still_connected(checker)
            # expiry (2 s) plus one check's full wait (3.5 s) plus an interval
            await asyncio.sleep(consent.EXPIRY_SECONDS + consent.CHECK_WAIT + 1.0)
            return before, await _still_connected(checker)
        finally:
            await asyncio.gather(checker.close(), answerer.close())

    assert asyncio.run(scenario()) == (True, False)
