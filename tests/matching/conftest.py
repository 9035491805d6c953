"""Shared fixtures for matching tests. No Flask: matching is a plain library."""

from datetime import datetime

import pytest

from matching import CandidateProfile, JobProfile, MatchContext

NOW = datetime(2026, 11, 26, 9, 0)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def ctx():
    return MatchContext(now=NOW, cooperation={("52", "4403")})


@pytest.fixture
def java_job():
    return JobProfile(
        id="j1",
        title="Java开发工程师",
        description="负责电商后端系统开发与维护",
        skills=["Java", "Spring", "MySQL", "Redis", "Kubernetes"],
        region_code="440305",
        salary_min=15000,
        salary_max=25000,
        min_experience_years=3,
        education_level="本科",
        posted_at=datetime(2026, 11, 20),
        employer_response_rate=0.9,
    )


@pytest.fixture
def java_candidate():
    return CandidateProfile(
        id="c1",
        headline="Java后端工程师",
        summary="五年互联网后端经验",
        skills=["java", "SpringBoot", "mysql", "redis"],
        experience=[{"title": "Java工程师", "description": "订单系统", "years": 5}],
        education_level="本科",
        region_code="440305",
        expected_salary=20000,
    )


@pytest.fixture
def pool():
    """A small mixed pool of candidates across occupations and regions."""
    rows = [
        ("java_sz", "Java开发工程师", ["Java", "Spring", "MySQL"], "440305"),
        ("java_gy", "Java程序员", ["Java", "Spring Boot", "Redis"], "520102"),
        ("fe", "前端开发工程师", ["Vue", "JavaScript", "CSS"], "440305"),
        ("nurse", "护士", ["护理", "护士资格证"], "440305"),
        ("acct", "会计", ["会计", "Excel", "用友"], "440106"),
        ("fork", "叉车司机", ["叉车证", "仓库管理"], "440305"),
        ("elec", "维修电工", ["电工证", "PLC"], "320583"),
        ("cook", "中餐厨师", ["厨师", "配菜"], "440305"),
    ]
    return [
        CandidateProfile(id=i, headline=h, skills=s, region_code=r, expected_salary=12000)
        for i, h, s, r in rows
    ]
