"""Shared fixtures for matching tests. No Flask: matching is a plain library."""

import json
import os
import sys
from datetime import datetime

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:  # the editable install may predate the matching package
    sys.path.insert(0, ROOT)

from matching import CandidateProfile, JobProfile, MatchContext  # noqa: E402

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


@pytest.fixture
def evalset(tmp_path):
    """A tiny evaluation set in the documented JSONL/TREC formats."""
    jobs = [
        {
            "id": "J1",
            "title": "Java开发工程师",
            "description": "开发后端服务",
            "skills": ["Java", "MySQL"],
            "region_code": "440305",
            "salary_min": 10000,
            "salary_max": 20000,
        },
        {"id": "J2", "title": "会计", "description": "负责记账、报税", "skills": ["会计", "税务"]},
        {"id": "J3", "title": "叉车司机", "description": "仓库装卸", "skills": ["叉车"]},
    ]
    cands = [
        {
            "id": "C1",
            "headline": "Java工程师",
            "skills": ["java", "mysql"],
            "region_code": "440305",
            "experience": [{"title": "Java开发", "description": "支付系统", "years": 4}],
            "expected_salary": 15000,
        },
        {"id": "C2", "headline": "出纳会计", "summary": "熟悉报税、做账", "skills": ["会计"]},
        {"id": "C3", "headline": "叉车工", "skills": ["叉车证"]},
        {"id": "C4", "headline": "护士"},
    ]
    (tmp_path / "jobs.jsonl").write_text(
        "\n".join(json.dumps(j, ensure_ascii=False) for j in jobs) + "\n", "utf-8"
    )
    (tmp_path / "candidates.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in cands) + "\n", "utf-8"
    )
    (tmp_path / "qrels.tsv").write_text("J1 0 C1 3\nJ2 0 C2 3\nJ3 0 C3 2\nJ3 0 C4 0\n")
    (tmp_path / "qrels_c2j.tsv").write_text("C1 0 J1 3\nC2 0 J2 3\nC3 0 J3 3\n")
    return tmp_path
