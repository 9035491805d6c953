"""Cosines read against the other side's collection (`matching.collection`)."""

import numpy as np
import pytest

from matching import CandidateProfile, JobProfile, MatchContext, rank_candidates, rank_jobs, score
from matching.collection import MIN_SIZE, TEMPERATURE, Collection
from matching.encode import encode_candidates, encode_jobs
from matching.retrieval import Retriever
from matching.scorer import feature_matrix

ZCOLL = ("title_zcoll_job", "title_zcoll_candidate", "text_zcoll_job", "text_zcoll_candidate")
COLL = (*ZCOLL, "title_softmax_candidate", "text_softmax_candidate")

JOB_TITLES = [
    "Java开发工程师",
    "前端开发",
    "数据分析师",
    "会计",
    "出纳",
    "厨师",
    "面点师",
    "护士",
    "电工",
    "焊工",
    "叉车司机",
    "仓库管理员",
    "销售代表",
    "客服专员",
]
PEOPLE = [
    "Java工程师",
    "后端开发",
    "会计助理",
    "中餐厨师",
    "护理人员",
    "电焊工",
    "快递员",
    "电话销售",
    "平面设计",
    "保安",
    "Python开发",
    "财务主管",
    "月嫂",
    "装修工人",
]


def _unit(rng, n, d=512):
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_stats_are_the_spread_of_cosines_with_every_member():
    rng = np.random.default_rng(0)
    titles, texts = _unit(rng, 50), _unit(rng, 50)
    texts[:5] = 0  # members without a text are not part of the text statistics
    c = Collection.of("job", titles, texts)
    v, w = _unit(rng, 3), _unit(rng, 3)
    t_mu, t_sd, x_mu, x_sd = c.stats(v, w)
    np.testing.assert_allclose(t_mu, (v @ titles.T).mean(axis=1), atol=1e-5)
    np.testing.assert_allclose(t_sd, (v @ titles.T).std(axis=1), atol=1e-5)
    np.testing.assert_allclose(x_mu, (w @ texts[5:].T).mean(axis=1), atol=1e-5)
    np.testing.assert_allclose(x_sd, (w @ texts[5:].T).std(axis=1), atol=1e-5)
    assert c.size == 50

    def log_partition(vecs, members):
        sims = vecs.astype(np.float64) @ members.T / TEMPERATURE
        top = sims.max(axis=1)
        return top + np.log(np.exp(sims - top[:, None]).sum(axis=1))

    # the members are kept in float16: a cosine is off by ~1e-5, its softmax term by ~1e-3
    t_lse, x_lse = c.log_partitions(v, w)
    np.testing.assert_allclose(t_lse, log_partition(v, titles), atol=2e-3)
    np.testing.assert_allclose(x_lse, log_partition(w, texts[5:]), atol=2e-3)
    again, _ = c.log_partitions(np.vstack([w[:1], v[1:]]), w)  # kept per vector, not position
    np.testing.assert_array_equal(again[1:], t_lse[1:])
    np.testing.assert_allclose(again[0], log_partition(w[:1], titles)[0], atol=2e-3)
    unknown = c.log_partitions(np.zeros((1, 512), np.float32), _unit(rng, 1, d=64))
    assert unknown[0][0] == 0 and unknown[1][0] == 0  # no vector, or another dimension


def test_too_few_profiles_make_no_collection():
    rng = np.random.default_rng(1)
    vecs = _unit(rng, MIN_SIZE - 1)
    padded = np.vstack([vecs, np.zeros((10, 512), np.float32)])  # unknown rows do not count
    assert Collection.of("job", padded, padded) is None
    assert Collection.of("job", _unit(rng, MIN_SIZE), _unit(rng, MIN_SIZE)) is not None


@pytest.fixture(scope="module")
def market():
    jobs = [
        JobProfile(f"j{i}", title=t, description=f"招聘{t}") for i, t in enumerate(JOB_TITLES * 2)
    ]
    people = [CandidateProfile(f"c{i}", headline=t) for i, t in enumerate(PEOPLE * 2)]
    J, C = encode_jobs(jobs), encode_candidates(people)
    return (
        jobs,
        people,
        Collection.of("job", J.title_vec, J.text_vec),
        Collection.of("candidate", C.title_vec, C.text_vec),
    )


def test_without_collections_the_csco_codes_stand_in(now):
    f = feature_matrix(
        encode_jobs([JobProfile("j", title="厨师", description="中餐")], now),
        encode_candidates([CandidateProfile("a", headline="厨师")], now),
    )
    for name in COLL:
        assert 0 < f[name][0] < 1, name
    for name in ZCOLL:
        assert f[name][0] == pytest.approx(f[name.replace("_zcoll_", "_z_")][0], abs=1e-5), name


def test_a_pair_scores_the_same_in_any_list_and_in_the_retriever(market, now):
    jobs, people, job_coll, cand_coll = market
    ctx = MatchContext(now=now, job_collection=job_coll, candidate_collection=cand_coll)
    cook = JobProfile("cook", title="厨师", description="中餐厨房")
    ranked = {c.id: m for c, m in rank_candidates(cook, people, ctx, limit=None)}
    alone = score(cook, people[3], ctx)
    assert alone.score == pytest.approx(ranked[people[3].id].score, rel=1e-5)
    for name in COLL:
        assert 0 < alone.features[name] < 1, name
        assert alone.features[name] == pytest.approx(ranked[people[3].id].features[name], abs=1e-5)
    # the cook's cosine with a chef stands out from the cook's cosines with everyone, and the
    # cook's job is among the chef's nearest jobs (not among a Java developer's)
    for name in ("title_zcoll_job", "title_softmax_candidate"):
        assert alone.features[name] > ranked[people[0].id].features[name], name
    # read against other collections, the same pair reads differently
    swapped = MatchContext(now=now, job_collection=cand_coll, candidate_collection=job_coll)
    for name in ("title_zcoll_job", "title_softmax_candidate"):
        assert score(cook, people[3], swapped).features[name] != pytest.approx(
            alone.features[name], abs=1e-4
        ), name

    people_store = Retriever("candidate", exact_below=0)
    people_store.add(people, now, against=job_coll)
    assert [i for i, _ in people_store.search(cook, 5, ctx)] == [
        c.id for c, _ in rank_candidates(cook, people, ctx, 5)
    ]
    job_store = Retriever("job", exact_below=0)
    job_store.add(jobs, now, against=cand_coll)
    chef = people[3]
    assert [i for i, _ in job_store.search(chef, 5, ctx)] == [
        j.id for j, _ in rank_jobs(chef, jobs, ctx, 5)
    ]
