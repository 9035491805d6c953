"""Shared fixtures for the search tests: real engines, no mocks.

``backend_name`` is parametrised over embedded, sqlite and opensearch; the opensearch
variant needs Java 17 and Maven (bench/opensearch/node.py) and skips, saying why,
when they are missing. CI has them.
"""

from __future__ import annotations

import os
import uuid

import pytest

from bench.opensearch import node as os_node
from search import create_backend
from tests.search.corpus import all_docs

OPENSEARCH_MARKS = [pytest.mark.opensearch, pytest.mark.xdist_group("opensearch")]
"""Under ``pytest -n 2 --dist loadgroup`` all OpenSearch tests share one worker, so one node."""
BACKENDS = ["embedded", "sqlite", pytest.param("opensearch", marks=OPENSEARCH_MARKS)]


def _skip_without_java() -> None:
    """Locally, no Java means no OpenSearch tests (said so); CI installs Java and Maven and sets
    YUNPIN_REQUIRE_OPENSEARCH, so there a missing tool is a failure, never a silent skip."""
    missing = os_node.missing_tools()
    if missing:
        message = f"OpenSearch tests need Java 17 and Maven; missing: {', '.join(missing)}"
        if os.environ.get("YUNPIN_REQUIRE_OPENSEARCH"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def opensearch_url():
    """One OpenSearch 2.19 node for the whole session (started by bench/opensearch)."""
    _skip_without_java()
    node = os_node.Node()
    try:
        url = node.start()
    except os_node.OpenSearchUnavailable as exc:
        node.stop()
        pytest.fail(f"OpenSearch node could not start (Java and Maven are present): {exc}")
    yield url
    node.stop()


@pytest.fixture
def make_backend(request, tmp_path):
    """Factory: a fresh, empty backend of the given name."""
    made = []

    def factory(name: str):
        if name == "opensearch":
            url = request.getfixturevalue("opensearch_url")
            be = create_backend("opensearch", url, index_prefix=f"t{uuid.uuid4().hex[:10]}")
        else:
            be = create_backend(name, str(tmp_path / f"{name}-{len(made)}"))
        made.append(be)
        return be

    yield factory
    for be in made:
        be.close()


@pytest.fixture(scope="session")
def loaded(request, tmp_path_factory):
    """Session-cached backends holding the shared corpus, keyed by name."""
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            if name == "opensearch":
                url = request.getfixturevalue("opensearch_url")
                be = create_backend("opensearch", url, index_prefix=f"conf{uuid.uuid4().hex[:8]}")
            else:
                be = create_backend(name, str(tmp_path_factory.mktemp(name)))
            be.bulk(all_docs())
            cache[name] = be
        return cache[name]

    yield get
    for be in cache.values():
        be.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request):
    return request.param


@pytest.fixture
def backend(backend_name, loaded):
    return loaded(backend_name)


@pytest.fixture
def reference(loaded):
    """The embedded backend on the same corpus: what every backend must agree with."""
    return loaded("embedded")
