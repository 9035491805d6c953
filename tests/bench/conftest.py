"""Fixtures for the benchmark and evaluation tests."""

import json

import pytest


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
