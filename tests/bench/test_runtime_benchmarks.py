"""The runtime benchmarks send load to this machine only."""

from __future__ import annotations

import click
import pytest

from bench.instance import loopback_only


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000", "http://localhost:8000/", "http://[::1]:5000"]
)
def test_loopback_addresses_are_accepted(url):
    assert loopback_only(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://192.0.2.7:5000", "https://example.com", "http://0.0.0.0:5000"]
)
def test_other_addresses_are_refused(url):
    with pytest.raises(click.BadParameter):
        loopback_only(url)
