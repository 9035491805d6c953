from matching import CandidateProfile, JobProfile, MatchContext, Reason, score


def test_skill_reason_in_both_languages(ctx):
    job = JobProfile("j", title="后端开发", skills=["Java", "Spring", "MySQL", "Redis", "Kafka"])
    cand = CandidateProfile(
        "c", headline="工程师", skills=["java", "spring boot", "MySQL", "redis"]
    )
    m = score(job, cand, MatchContext(now=ctx.now, use_embeddings=False))
    texts = {(r.text("zh"), r.text("en")) for r in m.reasons}
    assert (
        "具备岗位要求的5项技能中的4项：Java、Spring、MySQL、Redis",
        "Has 4 of 5 required skills: Java, Spring, MySQL, Redis",
    ) in texts
    missing = [r for r in m.reasons if r.code == "skills_missing"]
    assert not missing  # 4 of 5 is a good fit; not worth a negative reason


def test_skills_outside_the_vocabulary_are_named_as_the_employer_typed_them(ctx):
    job = JobProfile("j", title="装配工", skills=["5S", "SMT贴片", "装配"])
    cand = CandidateProfile("c", headline="装配工", skills=["5s", "smt贴片", "装配"])
    m = score(job, cand, MatchContext(now=ctx.now, use_embeddings=False))
    assert "具备岗位要求的全部3项技能：5S、SMT贴片、装配" in m.explain("zh", 10)


def test_reasons_render_every_template():
    from matching.reasons import TEMPLATES

    params = {
        "n": 5,
        "k": 4,
        "skills": ["A", "B"],
        "title": "T",
        "occupation": "O",
        "place": "P",
        "pct": 10,
        "years": 3,
        "required": 2,
        "days": 7,
    }
    for code in TEMPLATES:
        r = Reason(code, params)
        assert r.text("zh") and r.text("en") and r.text("zh") != r.text("en")


def test_a_count_of_one_reads_in_the_singular_in_english(ctx):
    job = JobProfile("j", title="叉车司机", skills=["Excel"])
    cand = CandidateProfile("c", headline="叉车司机", skills=["excel"])
    m = score(job, cand, MatchContext(now=ctx.now, use_embeddings=False))
    assert "Has the required skill: Excel" in m.explain("en", 10)
    assert "具备岗位要求的全部1项技能：Excel" in m.explain("zh", 10)
    said = {
        code: Reason(code, {"years": "1", "required": 1, "days": 1}).text("en")
        for code in ("experience_ok", "experience_short", "available_in", "fresh_posting")
    }
    assert said == {
        "experience_ok": "1 year of experience, meets the 1-year requirement",
        "experience_short": "1 year of experience; the job asks for 1",
        "available_in": "Available in 1 day",
        "fresh_posting": "Posted within the last day",
    }
    assert (
        Reason("experience_ok", {"years": "1.5", "required": 1}).text("en").startswith("1.5 years")
    )
    one, two = {"zh": ["PLC"], "en": ["PLC"]}, ["PLC", "Java"]
    assert Reason("skills_missing", {"skills": one}).text("en") == "Missing skill: PLC"
    assert Reason("skills_missing", {"skills": two}).text("en") == "Missing skills: PLC, Java"
    assert Reason("skills_related", {"skills": one}).text("en") == "Has a related skill: PLC"
    assert Reason("skills_related", {"skills": two}).text("en") == "Has related skills: PLC, Java"
    assert Reason("skills_missing", {"skills": one}).text("zh") == "缺少技能：PLC"


def test_cooperation_reason(ctx, java_job):
    cand = CandidateProfile(
        "c", headline="Java工程师", region_code="520102"
    )  # Guiyang -> Shenzhen link
    m = score(java_job, cand, ctx)
    assert "In a partner region of this employer's labor-cooperation programme" in m.explain(
        "en", 10
    )
    assert "来自该雇主劳务协作计划的合作地区" in m.explain("zh", 10)


def test_full_match_reasons(ctx, java_job, java_candidate):
    m = score(java_job, java_candidate, ctx)
    zh = m.explain("zh", 20)
    en = m.explain("en", 20)
    assert any(t.startswith("与岗位同在") and "南山" in t for t in zh)
    assert "5 years of experience, meets the 3-year requirement" in en
    assert "Expected salary is within the offered range" in en
    assert 0.0 <= m.score <= 1.0
    assert all(0.0 <= v <= 1.0 for v in m.features.values())


def test_negative_reasons_come_last(ctx, java_job):
    cand = CandidateProfile(
        "c", headline="Java工程师", skills=["Java"], region_code="110101", expected_salary=40000
    )
    m = score(java_job, cand, ctx)
    codes = [r.code for r in m.reasons]
    assert {"skills_missing", "salary_above", "far_away"} <= set(codes)
    first_negative = min(i for i, r in enumerate(m.reasons) if not r.positive)
    assert all(not r.positive for r in m.reasons[first_negative:])


def test_a_similar_role_names_the_title_the_likeness_is_in(ctx):
    job = JobProfile("j", title="焊工")
    cand = CandidateProfile("c", headline="电工", experience=[{"title": "焊工", "years": 3}])
    m = score(job, cand, MatchContext(now=ctx.now, use_embeddings=False))
    similar = [r for r in m.reasons if r.code == "title_similar"]
    assert [r.text("zh") for r in similar] == ["职位经历与岗位相近：焊工"]
    # a headline that repeats the role with more words yields to the role itself
    cand = CandidateProfile(
        "c", headline="焊工 · 3年经验", experience=[{"title": "焊工", "years": 3}]
    )
    m = score(job, cand, MatchContext(now=ctx.now, use_embeddings=False))
    similar = [r for r in m.reasons if r.code == "title_similar"]
    assert [r.text("en") for r in similar] == ["Similar role: 焊工"]
