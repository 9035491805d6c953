"""The embedded backend's facet pass: counted beside the page's search on its own threads
(search.defaults.EMBEDDED_FACET_THREADS) or in the calling thread, with the same answers."""

from __future__ import annotations

import threading

from search import SearchQuery, create_backend
from tests.search.corpus import all_docs

QUERIES = [
    SearchQuery(facets=True),
    SearchQuery(text="工程师", facets=True, employment_type=["full_time", "contract"]),
    SearchQuery(text="软件工程师", facets=True, salary_min=8000, sort="newest"),
    SearchQuery(text="销售", facets=("region", "category"), areas=["440100000000"]),
]


def _facet_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("yunpin-facets")}


def test_facets_on_threads_equal_facets_in_the_calling_thread(tmp_path):
    # Backends other tests left open keep their pools: only this test's threads count.
    earlier = _facet_threads()
    inline = create_backend("embedded", str(tmp_path / "inline"), facet_threads=0)
    threaded = create_backend("embedded", str(tmp_path / "threaded"))
    try:
        for be in (inline, threaded):
            be.bulk(all_docs())
        for q in QUERIES:
            a, b = inline.search(q), threaded.search(q)
            assert a.facets and a.facets == b.facets
            assert (a.ids, a.total) == (b.ids, b.total)
        pool = _facet_threads() - earlier
        assert pool  # the threaded backend counted on its pool
    finally:
        inline.close()
        threaded.close()
    assert not any(t.is_alive() for t in pool)  # close() stops the pool's threads
