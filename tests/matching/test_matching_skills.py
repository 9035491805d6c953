import pytest

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("负责设备维护工作，熟练使用维护工具", {"maintenance"}),  # no 护工 across 维护/工作
        ("委托办理货物托运", set()),  # 理货
        ("优化工艺流程", set()),  # 化工
        ("修理发动机", set()),  # 理发
        ("外科医生", {"medical"}),  # inside one word, a compound's part counts
        ("短视频剪辑师", {"new_media", "video_editing"}),
        ("美容产品销售经理", {"beauty", "sales"}),  # 销售经理 straddles, 销售 does not
        ("数据分析师", {"data_analysis"}),
    ],
)
def test_a_chinese_alias_does_not_count_across_two_words(text, expected):
    assert vocabulary().extract(text) == expected


def test_benefits_and_broad_words_name_no_skill():
    """五险一金 is in nearly every job ad: 养老保险 is no elderly care and no insurance sales;
    电子商务 is e-commerce, not electronics and negotiation; a project's 后期 is no video editing."""
    v = vocabulary()
    assert v.extract("五险一金：养老保险、医疗保险、失业保险、工伤保险、生育保险") == set()
    assert v.extract("电子商务运营") == {"ecommerce"}
    assert v.extract("项目后期维护") == set()
    assert v.extract("视频后期制作") == {"video_editing"}
    assert v.extract("负责审计工作") == {"auditing"}
    assert v.extract("商务英语") == {"english"}
    assert v.extract("养老护理员") == {"elderly_care"}
    assert v.extract("压力容器焊工") == {"welding"}
    assert v.extract("熟悉容器化部署") == {"docker"}


def test_related_skill_gets_partial_credit(now):
    ctx = MatchContext(now=now, use_embeddings=False)
    job = JobProfile("j", skills=["React"])
    exact = score(job, CandidateProfile("a", skills=["ReactJS"]), ctx).features["skills"]
    related = score(job, CandidateProfile("b", skills=["Vue"]), ctx).features["skills"]
    none = score(job, CandidateProfile("c", skills=["会计"]), ctx).features["skills"]
    assert exact == 1.0 and related == 0.5 and none == 0.0
    m = score(job, CandidateProfile("b", skills=["Vue"]), ctx)
    assert "Has a related skill: Vue.js" in m.explain("en", 5)


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
