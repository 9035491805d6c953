"""Titles read through the ESCO and CSCO vocabularies, and the per-direction learned models."""

import numpy as np
import pytest

from matching import CandidateProfile, JobProfile, learn, rank_candidates, rank_jobs, score
from matching.encode import encode_candidates, encode_jobs
from matching.expansion import (
    describe,
    esco_cosine,
    esco_vectors,
    read_words,
    reference_stats,
    words,
)
from matching.grams import cosine
from matching.occupations import occupation_centroids, occupations
from matching.scorer import feature_matrix, occupation_fit

REFERENCE_Z = ("title_z_job", "title_z_candidate", "text_z_job", "text_z_candidate")


def test_an_esco_occupation_reads_as_itself():
    anchors = esco_vectors()
    d = describe(anchors[[10, 200]])
    # the blend is a unit vector dominated by the occupation itself
    assert d["esco_idx"][0][np.argmax(d["esco_w"][0])] == 10
    same = esco_cosine(d["esco_idx"][:1], d["esco_w"][:1], d["esco_idx"][:1], d["esco_w"][:1])
    np.testing.assert_allclose(same, [1.0], atol=1e-3)
    # one query against rows gives what aligned rows give
    broadcast = esco_cosine(d["esco_idx"][:1], d["esco_w"][:1], d["esco_idx"], d["esco_w"])
    aligned = esco_cosine(d["esco_idx"][[0, 0]], d["esco_w"][[0, 0]], d["esco_idx"], d["esco_w"])
    np.testing.assert_allclose(broadcast, aligned, rtol=1e-5)
    assert broadcast[1] < 0.99


def word_cosine(a: str, b: str) -> float:
    (a_idx, a_w), (b_idx, b_w) = read_words(a), read_words(b)
    return float(cosine(a_idx[None], a_w[None], b_idx[None], b_w[None])[0])


def test_english_titles_read_through_the_esco_occupations_words():
    assert words("Elementary security occupations n.e.c.") == [
        "elementary",
        "security",
        "occupation",
    ]
    assert words("Secretaries, clerks and bosses") == ["secretary", "clerk", "boss"]
    idx, w = read_words("wire drawer")
    assert (idx > 0).all() and idx.max() <= len(esco_vectors())
    np.testing.assert_allclose(np.linalg.norm(w), 1.0, rtol=1e-5)
    # words no embedding brings together, through the occupations whose labels and duties
    # hold them; unrelated work shares no occupation
    assert word_cosine("wire drawer", "metal drawing machine operator") > 0.3
    assert word_cosine("kitchen porter", "Kitchen and catering assistants") > 0.3
    assert word_cosine("kitchen porter", "IT engineers") == 0
    assert word_cosine("pipe fitters", "pipe fitter") == pytest.approx(1.0)


def test_a_title_without_english_words_has_no_word_reading():
    for title in ("软件工程师", "", "n.e.c."):
        idx, w = read_words(title)
        assert not idx.any() and not w.any()
    job, candidate = JobProfile(id=1, title="电工"), CandidateProfile(id=2, headline="电工")
    assert score(job, candidate).features["title_esco_words"] == 0


def test_a_csco_centroid_is_most_probably_its_own_code():
    nums, vecs = occupation_centroids()
    i = int(np.flatnonzero(nums == occupations()["2-02-07-06"].code_num)[0])
    d = describe(vecs[[i]])
    assert d["csco_top"][0][np.argmax(d["csco_p"][0])] == nums[i]
    np.testing.assert_allclose(d["csco_p"].sum(), 1.0, rtol=1e-5)
    own = occupation_fit(np.array([nums[i]]), d["csco_top"], d["csco_p"])
    other = occupation_fit(
        np.array([occupations()["4-03-02-01"].code_num]), d["csco_top"], d["csco_p"]
    )
    assert own[0] > 0.5 > other[0]


def test_reference_stats_are_the_spread_of_cosines_with_every_csco_code():
    _, vecs = occupation_centroids()
    rng = np.random.default_rng(0)
    v = vecs[:4] + 0.1 * rng.standard_normal((4, vecs.shape[1])).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    mu, sd = reference_stats(v)
    np.testing.assert_allclose(mu, (v @ vecs.T).mean(axis=1), atol=1e-5)
    np.testing.assert_allclose(sd, (v @ vecs.T).std(axis=1), atol=1e-5)
    # no vector, or synthetic vectors of another size: unknown (0), read as neutral
    assert not reference_stats(np.zeros((2, 64), np.float32))[1].any()


def test_reference_z_scores_do_not_depend_on_the_list(now):
    job = JobProfile("j", title="Java开发工程师", description="后端开发")
    a = CandidateProfile("a", headline="Java工程师")
    others = [CandidateProfile("b", headline="厨师"), CandidateProfile("c", headline="会计")]
    alone = feature_matrix(encode_jobs([job], now), encode_candidates([a], now))
    listed = feature_matrix(encode_jobs([job], now), encode_candidates([*others, a], now))
    for name in REFERENCE_Z:
        assert listed[name][2] == pytest.approx(alone[name][0], abs=1e-6), name
        assert listed[name][2] > listed[name][0], name  # a Java title stands out, a cook not


def test_model_features_are_in_range_and_neutral_without_titles(now):
    job = JobProfile("j", title="Java开发工程师", description="后端开发")
    people = [CandidateProfile("a", headline="Java工程师"), CandidateProfile("b")]
    f = feature_matrix(encode_jobs([job], now), encode_candidates(people, now))
    for name in learn.MODEL_FEATURES:
        assert f[name].min() >= 0 and f[name].max() <= 1, name
        assert f[name][1] == 0.5, name  # no title, no text: every model feature is neutral


@pytest.mark.parametrize("direction", learn.DIRECTIONS)
def test_each_direction_has_a_shipped_model_reading_the_model_features(direction):
    booster = learn.load(None, direction)
    assert booster is not None
    # what `yunpin train match-sets` fits (chosen on the validation splits, docs/matching.md)
    assert learn.features_of(booster) == learn.READS[direction]


def test_rankings_use_their_direction_and_score_agrees(ctx, java_job, pool):
    by_cands = {c.id: m.score for c, m in rank_candidates(java_job, pool, ctx, limit=None)}
    for c in pool[:3]:
        assert score(java_job, c, ctx).score == pytest.approx(by_cands[c.id], rel=1e-5)
    cand = pool[0]
    jobs = [java_job, JobProfile("cook", title="厨师", skills=["厨师"])]
    by_jobs = {j.id: m.score for j, m in rank_jobs(cand, jobs, ctx, limit=None)}
    assert score(java_job, cand, ctx, "cand2job").score == pytest.approx(
        by_jobs[java_job.id], rel=1e-5
    )
