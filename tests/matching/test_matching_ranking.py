from dataclasses import replace

import numpy as np

from matching import (
    CandidateProfile,
    JobProfile,
    MatchContext,
    encode_candidates,
    encode_jobs,
    learn,
    rank_candidates,
    rank_jobs,
    score,
    score_arrays,
)


def test_rank_candidates_puts_the_right_trade_first(ctx, pool):
    cases = [
        (
            JobProfile("j1", title="Java后端开发", skills=["Java", "Spring"], region_code="440305"),
            {"java_sz", "java_gy"},
        ),
        (JobProfile("j2", title="护士", description="病房护理", region_code="440305"), {"nurse"}),
        (JobProfile("j3", title="会计", skills=["会计"], region_code="440106"), {"acct"}),
        (JobProfile("j4", title="叉车工", skills=["叉车"], region_code="440305"), {"fork"}),
        (JobProfile("j5", title="电气维修", skills=["PLC"], region_code="320500"), {"elec"}),
    ]
    for job, best in cases:
        ranked = rank_candidates(job, pool, ctx, limit=len(best))
        assert {c.id for c, _ in ranked} == best, job.title
        scores = [m.score for _, m in rank_candidates(job, pool, ctx, limit=None)]
        assert scores == sorted(scores, reverse=True)


def test_rank_jobs(ctx, java_candidate):
    jobs = [
        JobProfile("cook", title="厨师", skills=["厨师"]),
        JobProfile("java", title="Java工程师", skills=["Java", "MySQL"], region_code="440305"),
        JobProfile("acct", title="会计", skills=["会计"]),
    ]
    ranked = rank_jobs(java_candidate, jobs, ctx, limit=2)
    assert [j.id for j, _ in ranked][0] == "java" and len(ranked) == 2


def test_vectorised_scores_equal_pair_scores(ctx, pool, java_job):
    J = encode_jobs([java_job], ctx.now)
    C = encode_candidates(pool, ctx.now)
    bulk = score_arrays(J, C, ctx)
    single = np.array([score(java_job, c, ctx).score for c in pool], np.float32)
    np.testing.assert_allclose(bulk, single, rtol=1e-5)
    assert bulk.min() >= 0 and bulk.max() <= 1


def test_a_model_given_for_one_direction_ranks_only_that_direction(ctx, pool, java_job):
    # the candidates→jobs file read for ranking candidates: a different model, other scores
    swapped: MatchContext = replace(ctx, models={"job2cand": learn.default_path("cand2job")})
    for_job = [m.score for _, m in rank_candidates(java_job, pool, ctx, limit=None)]
    assert [m.score for _, m in rank_candidates(java_job, pool, swapped, limit=None)] != for_job
    person = pool[0]
    jobs = [java_job, JobProfile("cook", title="厨师", skills=["厨师"])]
    assert [m.score for _, m in rank_jobs(person, jobs, swapped)] == [
        m.score for _, m in rank_jobs(person, jobs, ctx)
    ]


def test_limit_and_empty(ctx, java_job):
    assert rank_candidates(java_job, [], ctx) == []
    one = [CandidateProfile("x")]
    assert len(rank_candidates(java_job, one, ctx, limit=5)) == 1


def test_salary_experience_education(ctx):
    job = JobProfile(
        "j", salary_min=8000, salary_max=10000, min_experience_years=4, education_level="本科"
    )
    ok = CandidateProfile(
        "a", expected_salary=9000, experience=[{"years": 5}], education_level="硕士"
    )
    weak = CandidateProfile(
        "b", expected_salary=12500, experience=[{"years": 2}], education_level="大专"
    )
    f_ok, f_weak = score(job, ok, ctx).features, score(job, weak, ctx).features
    assert (f_ok["salary"], f_ok["experience"], f_ok["education"]) == (1.0, 1.0, 1.0)
    assert (
        abs(f_weak["salary"] - 0.5) < 1e-6
        and f_weak["experience"] == 0.5
        and f_weak["education"] == 0.5
    )
