import pytest

from matching import CandidateProfile, JobProfile, MatchContext, score


def loc(job_region, cand_region, **kw):
    coop = kw.pop("cooperation", set())
    remote = kw.pop("remote", False)
    ctx = MatchContext(cooperation=coop, use_embeddings=False)
    job = JobProfile("j", region_code=job_region, remote=remote)
    cand = CandidateProfile("c", region_code=cand_region, **kw)
    return score(job, cand, ctx).features["location"]


@pytest.mark.parametrize(
    "cand,expected",
    [
        ("440305", 1.0),  # same county (Nanshan)
        ("440304", 0.8),  # same city (Shenzhen, Futian)
        ("440106", 0.5),  # same province (Guangzhou)
        ("110101", 0.0),  # elsewhere
        ("440305001001", 1.0),  # village code inside the same county
    ],
)
def test_region_subtree_by_code_prefix(cand, expected):
    assert loc("440305", cand) == expected


def test_relocation_and_cooperation():
    assert loc("440305", "520102", willing_to_relocate=True) == 0.4
    assert loc("440305", "520102", cooperation={("52", "4403")}) == 0.75
    assert loc("440305", "520102", cooperation={("52", "4401")}) == 0.0  # link to another city
    assert loc("440305", "510104", cooperation={("52", "4403")}) == 0.0  # origin does not match
    assert loc("440305", "440304", cooperation={("44", "4403")}) == 0.8  # never lowers a better fit


def test_remote_and_unknown():
    assert loc("440305", "110101", remote=True) == 1.0
    assert loc(None, "110101") == 0.5
    job = JobProfile("j", region_path=["440000", "440300", "440305"])
    cand = CandidateProfile("c", region_path=["440000", "440300", "440304"])
    assert score(job, cand, MatchContext(use_embeddings=False)).features["location"] == 0.8


def test_cooperation_lifts_ranking(now):
    from matching import rank_candidates

    job = JobProfile("j", title="普工", region_code="440305")
    far = CandidateProfile("far", headline="普工", region_code="510104")
    partner = CandidateProfile("partner", headline="普工", region_code="520102")
    ctx = MatchContext(now=now, cooperation={("52", "44")}, use_embeddings=False)
    assert [c.id for c, _ in rank_candidates(job, [far, partner], ctx)] == ["partner", "far"]
