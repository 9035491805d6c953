import numpy as np
import pytest

from matching import CandidateProfile, JobProfile, MatchContext, rank_candidates, rank_jobs
from matching.retrieval import Retriever

TITLES = [
    "Java开发工程师",
    "会计",
    "叉车司机",
    "护士",
    "电工",
    "前端开发",
    "销售代表",
    "厨师",
    "焊工",
    "数据分析师",
]
SKILLS = [
    ["Java", "Spring"],
    ["会计", "Excel"],
    ["叉车"],
    ["护理"],
    ["电工证"],
    ["Vue"],
    ["销售"],
    ["厨师"],
    ["焊接"],
    ["SQL", "Python"],
]
REGIONS = ["440305", "440106", "520102", "110101", "320583"]


@pytest.fixture(scope="module")
def people():
    rng = np.random.default_rng(0)
    cands = [
        CandidateProfile(
            f"c{i}",
            headline=TITLES[i % 10],
            skills=SKILLS[(i * 7) % 10][:1] + SKILLS[i % 10],
            region_code=REGIONS[rng.integers(0, 5)],
            expected_salary=float(rng.integers(4, 30) * 1000),
        )
        for i in range(400)
    ]
    jobs = [
        JobProfile(
            f"j{i}",
            title=TITLES[i % 10],
            skills=SKILLS[i % 10],
            region_code=REGIONS[i % 5],
            salary_max=float(8000 + 1000 * (i % 15)),
        )
        for i in range(200)
    ]
    return cands, jobs


@pytest.mark.parametrize("exact_below", [10_000, 0])  # exhaustive, and two-stage on a small set
def test_job2cand_top_k_is_exact(people, exact_below, now):
    cands, jobs = people
    ctx = MatchContext(now=now)
    r = Retriever("candidate", exact_below=exact_below)
    r.add(cands, now)
    for job in jobs[:10]:
        got = [i for i, _ in r.search(job, 20, ctx)]
        want = [c.id for c, _ in rank_candidates(job, cands, ctx, 20)]
        assert got == want


def test_cand2job_top_k_is_exact(people, now):
    cands, jobs = people
    ctx = MatchContext(now=now)
    r = Retriever("job", exact_below=0)
    r.add(jobs, now)
    for cand in cands[:10]:
        assert [i for i, _ in r.search(cand, 10, ctx)] == [
            j.id for j, _ in rank_jobs(cand, jobs, ctx, 10)
        ]


def test_add_update_remove_save_load(people, tmp_path, now):
    cands, jobs = people
    ctx = MatchContext(now=now)
    r = Retriever("candidate", capacity=8)  # forces growth
    r.add(cands[:50], now)
    nurse_job = JobProfile("q", title="护士", skills=["护理"])
    r.remove(["c3", "c13"])
    assert len(r) == 48
    assert all(i not in ("c3", "c13") for i, _ in r.search(nurse_job, 48, ctx))
    r.update([CandidateProfile("c0", headline="护士", skills=["护理"], region_code="440305")], now)
    assert r.search(nurse_job, 1, ctx)[0][0] == "c0"
    r.save(str(tmp_path / "idx"))
    r2 = Retriever.load(str(tmp_path / "idx"))
    assert len(r2) == len(r)
    assert r2.search(nurse_job, 10, ctx) == r.search(nurse_job, 10, ctx)
    r2.add(cands[50:60], now)  # a loaded index keeps accepting writes
    assert len(r2) == 58


def test_float16_vectors_halve_the_columns_and_keep_the_ranking(people, tmp_path, now):
    cands, jobs = people
    ctx = MatchContext(now=now)
    full, half = (
        Retriever("candidate", exact_below=0),
        Retriever("candidate", exact_below=0, vectors="float16"),
    )
    full.add(cands, now)
    half.add(cands, now)
    assert half.cols.title_vec.nbytes * 2 == full.cols.title_vec.nbytes
    for job in jobs[:10]:
        exact, rounded = dict(full.search(job, 20, ctx)), dict(half.search(job, 20, ctx))
        shared = exact.keys() & rounded.keys()
        assert len(shared) >= 18  # only near-ties at the cut may swap
        assert all(abs(exact[i] - rounded[i]) < 5e-3 for i in shared)
    half.save(str(tmp_path / "idx"))
    loaded = Retriever.load(str(tmp_path / "idx"))
    assert loaded.cols.text_vec.dtype == np.float16
    assert loaded.search(jobs[0], 20, ctx) == half.search(jobs[0], 20, ctx)
