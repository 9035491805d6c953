"""Writes, reindex with switch, check/repair, résumés, errors: on every backend."""

from __future__ import annotations

import pytest

from search import DocumentInvalid, SearchQuery, check, content_hash, reindex
from tests.search.corpus import HANDMADE, job


def test_index_update_delete_and_suggest_weights(make_backend, backend_name):
    be = make_backend(backend_name)
    be.bulk(HANDMADE[:5])
    assert be.count(SearchQuery()) == 5
    before = {s.text: s.weight for s in be.suggest("深圳云聘")}
    assert before == {"深圳云聘科技有限公司": 2}

    be.index(job(1, "数据分析师", employer_name="杭州数据有限公司"))  # replace id 1
    assert be.count(SearchQuery()) == 5
    # the old title no longer finds it (other developers' jobs still answer 软件工程师)
    assert 1 not in be.search(SearchQuery(text="软件工程师", synonyms=False)).ids
    assert be.search(SearchQuery(text="数据分析师")).ids == [1]
    assert {s.text: s.weight for s in be.suggest("深圳云聘")} == {"深圳云聘科技有限公司": 1}
    assert [s.text for s in be.suggest("rjgcs")] == []

    assert be.delete(1) is True
    assert be.delete(1) is False
    assert be.get(1) is None
    assert be.suggest("数据分析") == []
    assert be.count(SearchQuery()) == 4


def test_reindex_switches_only_when_complete(make_backend, backend_name):
    be = make_backend(backend_name)
    be.bulk(HANDMADE[:2])
    new_docs = [job(100 + i, f"仓库管理员{i}") for i in range(30)]
    seen_progress = []

    def boom():
        yield from new_docs[:10]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        reindex(be, boom())
    assert sorted(be.search(SearchQuery(size=50)).ids) == [1, 2]  # old index still live

    report = reindex(be, new_docs, progress=seen_progress.append)
    assert report.docs == 30
    assert seen_progress and seen_progress[-1] == 30
    assert be.count(SearchQuery()) == 30
    assert be.get(1) is None
    assert be.search(SearchQuery(text="仓库管理员")).total == 30
    assert [s.text for s in be.suggest("ckgly")][:1]


def test_check_finds_and_repairs_drift(make_backend, backend_name):
    be = make_backend(backend_name)
    docs = HANDMADE[:5]
    be.bulk(docs)
    db_rows = {d["id"]: dict(d) for d in docs}
    db_rows[2]["title"] = "Java高级开发工程师"  # changed in DB, not reindexed
    del db_rows[3]  # deleted in DB
    db_rows[50] = job(50, "叉车工")  # created in DB, never indexed

    report = check(be, [(i, content_hash(d)) for i, d in db_rows.items()])
    assert (report.missing, report.stale, report.extra) == ([50], [2], [3])

    report = check(be, db_rows.items(), repair=True)
    assert report.repaired
    again = check(be, [(i, content_hash(d)) for i, d in db_rows.items()])
    assert again.ok
    assert be.search(SearchQuery(text="叉车工")).ids == [50]


def test_resumes_are_a_separate_index(make_backend, backend_name):
    be = make_backend(backend_name)
    be.bulk(HANDMADE[:2])
    resume = {
        "id": 1,
        "headline": "五年经验的Java后端工程师",
        "summary": "熟悉Spring Cloud与微服务。",
        "skills": ["Java", "Spring Cloud"],
        "experience_text": "2019-2024 京东 后端开发",
        "education_level": "bachelor",
        "region_code": "110105000000",
        "region_path": ["110000000000", "110100000000"],
        "expected_salary": 30000,
        "visibility": "public",
        "updated_at": 1_767_225_600,
        "candidate_id": 77,
    }
    be.index(resume, kind="resumes")
    res = be.search(SearchQuery(text="java", region="110000000000", facets=True), kind="resumes")
    assert res.ids == [1]
    assert res.facet_counts("education_level") == {"bachelor": 1}
    assert res.hits[0].highlights["headline"].count("<mark>") == 1
    assert be.search(SearchQuery(text="java"), kind="jobs").ids == [2]
    assert be.get(1, kind="jobs")["title"] == "软件工程师"


def test_invalid_documents_are_refused(make_backend):
    be = make_backend("embedded")
    with pytest.raises(DocumentInvalid):
        be.index({"id": 1, "title": "x"})
    with pytest.raises(DocumentInvalid):
        be.index(job(1, "x", region_path=["4400"]))
    with pytest.raises(DocumentInvalid):
        be.index({**job(1, "x"), "employment_type": "forever"})


def test_embedded_readers_see_another_instances_writes(tmp_path):
    """The queue worker writes, web processes read the same directory."""
    import time

    from search import create_backend

    writer = create_backend("embedded", str(tmp_path))
    reader = create_backend("embedded", str(tmp_path))
    assert reader.count(SearchQuery()) == 0
    writer.bulk(HANDMADE[:3])
    deadline = time.monotonic() + 10
    while reader.count(SearchQuery()) != 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reader.count(SearchQuery()) == 3
    reindex(writer, HANDMADE[3:])  # generation switch: reader reopens via CURRENT
    assert sorted(reader.search(SearchQuery()).ids) == [4, 5, 6, 7]
    writer.close()
    reader.close()


def test_an_embedded_index_version_changes_with_another_instances_commits(tmp_path):
    """What lets a web process keep a search page exactly as long as the index is unchanged."""
    from search import create_backend

    writer = create_backend("embedded", str(tmp_path))
    reader = create_backend("embedded", str(tmp_path))
    seen = reader.version()
    assert reader.version() == seen
    writer.bulk(HANDMADE[:3])
    after_write = reader.version()
    assert after_write != seen
    reindex(writer, HANDMADE[3:])
    assert reader.version() not in (seen, after_write)
    writer.close()
    reader.close()


def _outdated(be):
    """``be``'s jobs index as a process of a newer version finds it: built at an older
    SCHEMA_VERSION (cluster: a ``-v<N-1>-`` index behind the alias; local: a generation
    without SCHEMA, as every one made before versions were kept)."""
    from search import create_backend
    from search.defaults import SCHEMA_VERSION

    if be.name == "opensearch":
        from search import dsl

        old = f"{be.alias('jobs')}-v{SCHEMA_VERSION - 1}-20260101000000000"
        be.api.create_index(old, dsl.index_settings(be.replicas), dsl.mappings("jobs"))
        be.api.create_index(
            f"{old}-{dsl.SUGGEST_SUFFIX}", dsl.index_settings(be.replicas), dsl.suggest_mappings()
        )
        be.bulk(HANDMADE[:3], target=old)
        be.switch_generation("jobs", old)
        return create_backend("opensearch", be.url, index_prefix=be.prefix)
    (be.gens.path("jobs", be.gens.current("jobs")) / "SCHEMA").unlink()
    be.close()
    return create_backend(be.name, str(be.gens.root))


def test_an_index_built_at_another_schema_version_is_refused_until_rebuilt(
    make_backend, backend_name
):
    from search import IndexOutdated

    be = make_backend(backend_name)
    be.bulk(HANDMADE[:3])
    with _outdated(be) as upgraded:
        with pytest.raises(IndexOutdated, match="reindex"):
            upgraded.search(SearchQuery(text="软件"))
        with pytest.raises(IndexOutdated):
            upgraded.ensure("jobs")  # what `yunpin run` asks at start-up
        upgraded.ensure("resumes")  # current: nothing to rebuild
        assert reindex(upgraded, HANDMADE[:3]).docs == 3
        upgraded.ensure("jobs")
        assert upgraded.search(SearchQuery()).total == 3
        assert upgraded.health()["docs"]["jobs"] == 3
