from matching import CandidateProfile, JobProfile, MatchContext, score
from matching.skills import vocabulary


def test_synonyms_map_to_one_skill():
    v = vocabulary()
    assert v.canonical("SpringBoot") == v.canonical("spring boot") == "spring"
    assert v.canonical("Vue.js") == v.canonical("VUE3") == "vue"
    assert v.canonical("会计师") == v.canonical("會計") == "accounting"  # traditional -> simplified
    assert v.canonical("叉车证") == "forklift"
    assert v.canonical("Haskell") == "haskell"  # unknown skills keep their normalised form


def test_extract_from_text_respects_word_boundaries():
    v = vocabulary()
    found = v.extract("熟悉Java、Spring Boot、MySQL，持有叉车证和低压电工证")
    assert {"java", "spring", "mysql", "forklift", "electrician"} <= found
    assert "javascript" not in v.extract("JavaScript") - {"javascript"}
    assert "java" not in v.extract("javascript developer")


def test_related_skill_gets_partial_credit(now):
    ctx = MatchContext(now=now, use_embeddings=False)
    job = JobProfile("j", skills=["React"])
    exact = score(job, CandidateProfile("a", skills=["ReactJS"]), ctx).features["skills"]
    related = score(job, CandidateProfile("b", skills=["Vue"]), ctx).features["skills"]
    none = score(job, CandidateProfile("c", skills=["会计"]), ctx).features["skills"]
    assert exact == 1.0 and related == 0.5 and none == 0.0
    m = score(job, CandidateProfile("b", skills=["Vue"]), ctx)
    assert "Has related skills: Vue.js" in m.explain("en", 5)


def test_unknown_skills_still_match(now):
    ctx = MatchContext(now=now, use_embeddings=False)
    job = JobProfile("j", skills=["Haskell", "Erlang"])
    assert score(job, CandidateProfile("a", skills=["haskell"]), ctx).features["skills"] == 0.5


def test_no_skill_information_is_neutral(now):
    ctx = MatchContext(now=now, use_embeddings=False)
    assert (
        score(JobProfile("j"), CandidateProfile("c", skills=["Java"]), ctx).features["skills"]
        == 0.5
    )
    assert (
        score(
            JobProfile("j", skills=["Java"]), CandidateProfile("c", headline="经理"), ctx
        ).features["skills"]
        == 0.5
    )
