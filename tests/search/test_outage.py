"""The cluster going away must surface as SearchUnavailable (the app then uses the DB)."""

from __future__ import annotations

import socket
import time

import pytest

from search import SearchQuery, SearchUnavailable, cluster_client, create_backend
from tests.search.conftest import _skip_without_java, os_node
from tests.search.corpus import HANDMADE, job


@pytest.mark.parametrize("name", ["opensearch", "elasticsearch"])
def test_unreachable_cluster_raises_search_unavailable(name):
    be = create_backend(name, f"http://127.0.0.1:{os_node.free_port()}", timeout=2)
    with pytest.raises(SearchUnavailable):
        be.search(SearchQuery(text="java"))
    with pytest.raises(SearchUnavailable):
        be.index(job(1, "java"))
    assert be.health()["status"] == "unavailable"


@pytest.mark.parametrize("name", ["opensearch", "elasticsearch"])
def test_a_hung_cluster_costs_one_time_out_then_calls_fail_at_once(name, monkeypatch):
    monkeypatch.setattr(cluster_client, "RECHECK_SECONDS", 1.5)
    # Accepts connections (the kernel's backlog) and never answers: a hung node.
    with socket.create_server(("127.0.0.1", 0), backlog=64) as hung:
        be = create_backend(name, f"http://127.0.0.1:{hung.getsockname()[1]}", timeout=1)

        def failing_search() -> float:
            started = time.monotonic()
            with pytest.raises(SearchUnavailable):
                be.search(SearchQuery(text="java"))
            return time.monotonic() - started

        assert failing_search() >= 0.9  # the first waits for its time-out
        assert max(failing_search() for _ in range(20)) < 0.1
        with pytest.raises(SearchUnavailable):
            be.index(job(1, "java"))
        time.sleep(1.5)
        assert failing_search() >= 0.9  # asked again once the pause is over


@pytest.mark.opensearch
@pytest.mark.xdist_group("opensearch")
def test_node_stopped_mid_run():
    _skip_without_java()
    node = os_node.Node()
    try:
        url = node.start()
        be = create_backend("opensearch", url, index_prefix="outage", timeout=30)
        be.bulk(HANDMADE)
        assert be.search(SearchQuery(text="会计")).ids == [6]
        assert be.health()["status"] in ("green", "yellow")
        node.stop()
        with pytest.raises(SearchUnavailable):
            be.search(SearchQuery(text="会计"))
        with pytest.raises(SearchUnavailable):
            be.index(job(99, "快递员"))
        with pytest.raises(SearchUnavailable):
            be.suggest("kd")
        with pytest.raises(SearchUnavailable):
            be.delete(6)
        assert be.health()["status"] == "unavailable"
    finally:
        node.stop()
