"""An on-disk index whose files cannot be used raises SearchUnavailable, like a cluster that
does not answer, so the app falls back to its database and retries the write later."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from search import SearchQuery, SearchUnavailable, create_backend, reindex
from search.cluster_client import ClusterClient
from search.local import is_file_error
from tests.search.corpus import HANDMADE, job

LOCAL_BACKENDS = ["embedded", "sqlite"]


def every_call_is_unavailable(be) -> None:
    calls = {
        "search": lambda: be.search(SearchQuery(text="会计")),
        "count": lambda: be.count(SearchQuery()),
        "get": lambda: be.get(6),
        "suggest": lambda: be.suggest("kj"),
        "index": lambda: be.index(job(99, "快递员")),
        "bulk": lambda: be.bulk(HANDMADE[:2]),
        "delete": lambda: be.delete(6),
        "iter_hashes": lambda: list(be.iter_hashes()),
        "ensure": be.ensure,
    }
    for name, call in calls.items():
        with pytest.raises(SearchUnavailable):
            call()
            pytest.fail(f"{name} did not raise")
    assert be.health()["status"] == "unavailable"


def live_generation(root: Path, kind: str = "jobs") -> Path:
    return root / kind / (root / kind / "CURRENT").read_text().strip()


def filled(name: str, root: Path):
    be = create_backend(name, str(root))
    be.bulk(HANDMADE)
    be.close()
    return create_backend(name, str(root))


@pytest.mark.parametrize("name", LOCAL_BACKENDS)
def test_a_file_where_the_directory_should_be(name, tmp_path):
    root = tmp_path / "index"
    root.write_text("not a directory")
    be = create_backend(name, str(root))
    every_call_is_unavailable(be)
    with pytest.raises(SearchUnavailable):
        reindex(be, HANDMADE[:2])

    root.unlink()  # the outage ends: the next call works without a new backend
    be.index(job(1, "快递员"))
    assert be.search(SearchQuery(text="快递员")).ids == [1]
    be.close()


@pytest.mark.parametrize("name", LOCAL_BACKENDS)
def test_a_directory_that_cannot_be_created(name, tmp_path):
    (tmp_path / "file").write_text("")
    be = create_backend(name, str(tmp_path / "file" / "index"))
    every_call_is_unavailable(be)
    be.close()


@pytest.mark.parametrize("name", LOCAL_BACKENDS)
def test_corrupt_index_files(name, tmp_path):
    be = filled(name, tmp_path)
    for path in live_generation(tmp_path).rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            path.write_bytes(b"\x07" * max(64, path.stat().st_size))
    every_call_is_unavailable(be)

    reindex(be, HANDMADE)  # what `yunpin search reindex` does: a new generation goes live
    assert be.search(SearchQuery(text="会计")).ids == [6]
    be.close()


@pytest.mark.parametrize("name", LOCAL_BACKENDS)
@pytest.mark.parametrize("damage", ["garbage", "directory"])
def test_a_damaged_current_pointer(name, damage, tmp_path):
    be = filled(name, tmp_path)
    pointer = tmp_path / "jobs" / "CURRENT"
    if damage == "garbage":
        pointer.write_bytes(b"\xff\xfe../../etc\n")
    else:
        pointer.unlink()
        pointer.mkdir()
    with pytest.raises(SearchUnavailable):
        be.search(SearchQuery(text="会计"))
    with pytest.raises(SearchUnavailable):
        be.index(job(99, "快递员"))
    assert be.health()["status"] == "unavailable"
    be.close()


def modes_are_enforced(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0)
    try:
        os.listdir(probe)
        return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
        probe.rmdir()


@pytest.mark.parametrize("name", LOCAL_BACKENDS)
def test_an_unreadable_directory(name, tmp_path):
    if not modes_are_enforced(tmp_path):
        pytest.skip("this user reads and writes whatever the mode says (root)")
    be = filled(name, tmp_path)
    gen = live_generation(tmp_path)
    gen.chmod(0)
    try:
        every_call_is_unavailable(be)
    finally:
        gen.chmod(0o755)
    be.close()


def test_embedded_generation_removed_under_an_open_writer(tmp_path):
    be = create_backend("embedded", str(tmp_path))
    be.bulk(HANDMADE)
    shutil.rmtree(live_generation(tmp_path))
    with pytest.raises(SearchUnavailable):
        be.index(job(99, "快递员"))
    with pytest.raises(SearchUnavailable):
        be.close()  # the writer's rollback cannot find its files either


def test_embedded_writer_held_by_another_instance(tmp_path):
    """One writer per index: the queue worker. Another writer waits for its turn."""
    worker = create_backend("embedded", str(tmp_path))
    worker.index(job(1, "会计"))
    other = create_backend("embedded", str(tmp_path))
    assert other.search(SearchQuery(text="会计")).ids == [1]  # reading is fine
    with pytest.raises(SearchUnavailable):
        other.index(job(2, "出纳"))
    worker.close()
    other.index(job(2, "出纳"))
    other.close()


def test_sql_mistakes_are_not_outages(tmp_path):
    """Only errors about the files count; a bad statement is a bug and must surface."""
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    with pytest.raises(sqlite3.OperationalError) as bad_sql:
        conn.execute("SELEC 1")
    assert not is_file_error(bad_sql.value)
    conn.close()
    (tmp_path / "not-a-db.sqlite").write_bytes(b"\x07" * 4096)
    conn = sqlite3.connect(tmp_path / "not-a-db.sqlite")
    with pytest.raises(sqlite3.DatabaseError) as not_a_db:
        conn.execute("SELECT * FROM sqlite_master")
    assert is_file_error(not_a_db.value)
    conn.close()


@pytest.mark.opensearch
@pytest.mark.xdist_group("opensearch")
def test_a_blocked_or_closed_cluster_index(opensearch_url):
    be = create_backend("opensearch", opensearch_url, index_prefix=f"t{uuid.uuid4().hex[:10]}")
    be.bulk(HANDMADE)
    indices = be.api.client.indices
    index = be.api.alias_indices(be.alias("jobs"))[0]

    # What OpenSearch does by itself when the disk passes the flood-stage watermark.
    indices.put_settings(index=index, body={"index.blocks.read_only_allow_delete": True})
    try:
        assert be.search(SearchQuery(text="会计")).ids == [6]  # reading still works
        with pytest.raises(SearchUnavailable):
            be.index(job(99, "快递员"))
        with pytest.raises(SearchUnavailable):
            be.delete(6)
    finally:
        indices.put_settings(index=index, body={"index.blocks.read_only_allow_delete": None})

    indices.close(index=index)
    try:
        for call in (
            lambda: be.search(SearchQuery(text="会计")),
            lambda: be.get(6),
            lambda: be.index(job(99, "快递员")),
            lambda: list(be.iter_hashes()),
        ):
            with pytest.raises(SearchUnavailable):
                call()
        assert be.health()["status"] == "unavailable"
    finally:
        indices.open(index=index, wait_for_active_shards="all")

    be.index(job(99, "快递员"))
    assert be.search(SearchQuery(text="快递员")).ids == [99]
    be.close()


@pytest.mark.parametrize("flavor", ["opensearch", "elasticsearch"])
def test_which_cluster_errors_mean_later(flavor):
    """The client libraries' own error objects, as the bulk helpers raise them."""
    if flavor == "opensearch":
        from opensearchpy.helpers import BulkIndexError
    else:
        from elasticsearch.helpers import BulkIndexError
    client = ClusterClient(flavor, "http://127.0.0.1:9", timeout=1)

    def failing(*results):
        def call():
            raise BulkIndexError(f"{len(results)} document(s) failed to index.", list(results))

        return call

    document = {"headline": "résumé of someone"}  # bulk errors carry the documents
    blocked = {
        "index": {"status": 429, "error": {"type": "cluster_block_exception"}, "data": document}
    }
    closed = {"delete": {"status": 400, "error": {"type": "index_closed_exception"}}}
    bad_document = {"index": {"status": 400, "error": {"type": "mapper_parsing_exception"}}}
    with pytest.raises(SearchUnavailable) as later:
        client.call(failing(blocked, closed))
    assert "2 bulk action(s) failed" in str(later.value)
    assert "someone" not in str(later.value)  # error messages end up in logs
    with pytest.raises(BulkIndexError):
        client.call(failing(blocked, bad_document))  # a bad document is a bug, not an outage
    client.client.close()
