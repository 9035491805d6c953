"""The fixed documents every backend indexes in the conformance suite."""

from __future__ import annotations

from bench.search_corpus import BASE_TIME, generate_jobs

SZ_NANSHAN = ["440000000000", "440300000000", "440305000000", "440305001000"]
BJ_CHAOYANG = ["110000000000", "110100000000", "110105000000"]


def job(id: int, title: str, **kw) -> dict:
    doc = {
        "id": id,
        "title": title,
        "description": kw.pop("description", ""),
        "skills": kw.pop("skills", []),
        "category": kw.pop("category", "2-02-10-00"),
        "employment_type": kw.pop("employment_type", "full_time"),
        "region_code": kw.get("region_path", SZ_NANSHAN)[-1],
        "region_path": kw.pop("region_path", SZ_NANSHAN),
        "salary_min": kw.pop("salary_min", 10000),
        "salary_max": kw.pop("salary_max", 15000),
        "salary_period": "month",
        "remote": kw.pop("remote", False),
        "posted_at": kw.pop("posted_at", BASE_TIME + id * 3600),
        "employer_id": kw.pop("employer_id", 900),
        "employer_name": kw.pop("employer_name", "深圳云聘科技有限公司"),
        "employer_verified": kw.pop("employer_verified", True),
        "status": kw.pop("status", "open"),
    }
    assert not kw, kw
    return doc


HANDMADE = [
    job(
        1,
        "软件工程师",
        description="负责公司核心系统的设计与开发，使用Go和MySQL。",
        skills=["Go", "MySQL"],
    ),
    job(
        2,
        "Java开发工程师",
        description="参与电商平台后端开发，熟悉Spring Boot。",
        skills=["Java", "Spring Boot"],
        region_path=BJ_CHAOYANG,
        employer_name="北京京东世纪贸易有限公司",
        employer_id=901,
    ),
    job(
        3,
        "货车驾驶员",
        description="负责城市配送，持A2驾照，三年以上驾龄。",
        skills=["A2驾照"],
        category="4-02-02-00",
        salary_min=7000,
        salary_max=9000,
        employer_name="顺丰速运有限公司",
        employer_id=902,
    ),
    job(
        4,
        "Python Developer",
        description="Build data pipelines in python; <script>alert(1)</script> & more.",
        skills=["Python", "Airflow"],
        remote=True,
        salary_min=25000,
        salary_max=35000,
        employer_name="Acme Data Ltd",
        employer_id=903,
        employer_verified=False,
    ),
    job(
        5,
        "Web前端开发",
        description="使用React与TypeScript开发管理后台。",
        skills=["React", "TypeScript"],
        employment_type="internship",
        salary_min=3000,
        salary_max=4000,
    ),
    job(
        6,
        "会计",
        description="负责日常账务处理与税务申报。",
        skills=["用友", "Excel"],
        category="2-06-01-00",
        region_path=SZ_NANSHAN + ["440305001001"],
        salary_min=6000,
        salary_max=8000,
    ),
    job(
        7,
        "資深軟體工程師",
        description="負責雲端服務開發，熟悉Kubernetes。",
        skills=["Kubernetes", "Go"],
        region_path=BJ_CHAOYANG,
        employer_name="台積電子",
        employer_id=904,
    ),
]
GENERATED_START = 1000
GENERATED_COUNT = 400


def all_docs() -> list[dict]:
    return HANDMADE + list(generate_jobs(GENERATED_COUNT, seed=3, start_id=GENERATED_START))
