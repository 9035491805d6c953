"""Seeded synthetic jobs (Chinese and English) for benchmarks and tests.

Fast and reproducible: the same ``(n, seed)`` always gives the same documents. Titles come
from real occupations (China's CSCO job-board names and common English ones), skills
per occupation family, 30 large cities with their real 12-digit division codes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

FAMILIES: dict[str, tuple[list[str], list[str], str]] = {
    "it": (
        [
            "软件工程师",
            "Java开发工程师",
            "前端开发工程师",
            "Python开发工程师",
            "后端开发工程师",
            "算法工程师",
            "运维工程师",
            "测试工程师",
            "数据分析师",
            "嵌入式软件工程师",
            "全栈工程师",
            "Android开发",
            "iOS开发",
            "Software Engineer",
            "Frontend Developer",
            "Backend Developer",
            "Data Scientist",
            "DevOps Engineer",
            "QA Engineer",
            "Machine Learning Engineer",
        ],
        [
            "Java",
            "Python",
            "Go",
            "JavaScript",
            "TypeScript",
            "React",
            "Vue",
            "Spring Boot",
            "MySQL",
            "Redis",
            "Kafka",
            "Docker",
            "Kubernetes",
            "Linux",
            "C++",
            "TensorFlow",
            "PyTorch",
            "SQL",
            "Node.js",
            "Git",
            "Flask",
            "Django",
            "Elasticsearch",
            "Hadoop",
            "Spark",
        ],
        "2-02-10",
    ),
    "product": (
        ["产品经理", "项目经理", "UI设计师", "交互设计师", "Product Manager", "Project Manager"],
        ["Axure", "Figma", "需求分析", "原型设计", "Scrum", "数据分析", "用户研究", "PMP"],
        "2-02-30",
    ),
    "logistics": (
        [
            "货车司机",
            "网约车司机",
            "驾驶员",
            "快递员",
            "外卖骑手",
            "仓库管理员",
            "叉车工",
            "配送员",
            "Delivery Driver",
        ],
        ["A2驾照", "C1驾照", "B2驾照", "叉车证", "仓储管理", "物流配送", "熟悉路线", "WMS"],
        "4-02-02",
    ),
    "factory": (
        ["普工", "电工", "焊工", "机械工程师", "电气工程师", "质检员", "CNC操作工", "装配工"],
        ["电工证", "焊工证", "CAD", "PLC", "数控编程", "质量检测", "设备维护", "SolidWorks"],
        "6-18-01",
    ),
    "service": (
        ["厨师", "服务员", "收银员", "店长", "保安", "保洁", "育婴师", "月嫂", "美容师", "导购"],
        [
            "厨师证",
            "健康证",
            "收银系统",
            "客户服务",
            "门店管理",
            "育婴师证",
            "沟通能力",
            "排班管理",
        ],
        "4-03-02",
    ),
    "business": (
        [
            "销售代表",
            "客服专员",
            "会计",
            "出纳",
            "人力资源专员",
            "行政助理",
            "新媒体运营",
            "电商运营",
            "市场专员",
            "直播带货主播",
            "财务经理",
            "Sales Manager",
            "Accountant",
            "HR Specialist",
        ],
        [
            "Excel",
            "用友",
            "金蝶",
            "抖音运营",
            "文案策划",
            "招聘",
            "薪酬绩效",
            "CRM",
            "英语",
            "PPT",
            "谈判技巧",
            "税务申报",
        ],
        "2-06-01",
    ),
    "health_edu": (
        ["护士", "药剂师", "英语老师", "数学老师", "幼儿教师", "康复治疗师", "Teacher", "Nurse"],
        ["护士资格证", "教师资格证", "普通话二甲", "执业药师", "雅思", "课程设计", "康复训练"],
        "2-05-08",
    ),
}

CITIES = [
    ("北京", "110000000000", "110100000000"),
    ("上海", "310000000000", "310100000000"),
    ("广州", "440000000000", "440100000000"),
    ("深圳", "440000000000", "440300000000"),
    ("杭州", "330000000000", "330100000000"),
    ("南京", "320000000000", "320100000000"),
    ("苏州", "320000000000", "320500000000"),
    ("成都", "510000000000", "510100000000"),
    ("重庆", "500000000000", "500100000000"),
    ("武汉", "420000000000", "420100000000"),
    ("西安", "610000000000", "610100000000"),
    ("天津", "120000000000", "120100000000"),
    ("长沙", "430000000000", "430100000000"),
    ("郑州", "410000000000", "410100000000"),
    ("东莞", "440000000000", "441900000000"),
    ("青岛", "370000000000", "370200000000"),
    ("沈阳", "210000000000", "210100000000"),
    ("宁波", "330000000000", "330200000000"),
    ("昆明", "530000000000", "530100000000"),
    ("合肥", "340000000000", "340100000000"),
    ("福州", "350000000000", "350100000000"),
    ("厦门", "350000000000", "350200000000"),
    ("济南", "370000000000", "370100000000"),
    ("哈尔滨", "230000000000", "230100000000"),
    ("长春", "220000000000", "220100000000"),
    ("南昌", "360000000000", "360100000000"),
    ("贵阳", "520000000000", "520100000000"),
    ("南宁", "450000000000", "450100000000"),
    ("太原", "140000000000", "140100000000"),
    ("乌鲁木齐", "650000000000", "650100000000"),
]
LEVELS = ["", "", "", "高级", "资深", "初级", "实习", "Senior ", "Junior "]
COMPANY_WORDS = [
    "科技",
    "信息技术",
    "网络",
    "物流",
    "餐饮管理",
    "电子",
    "智能制造",
    "教育科技",
    "医疗",
    "商贸",
    "供应链",
    "文化传媒",
    "新能源",
    "汽车服务",
    "人力资源",
]
COMPANY_HEADS = [
    "华",
    "云",
    "星",
    "腾",
    "阿",
    "京",
    "美",
    "顺",
    "达",
    "金",
    "新",
    "中",
    "天",
    "海",
    "博",
    "盛",
    "恒",
    "联",
    "创",
    "智",
]
BENEFITS = [
    "五险一金",
    "双休",
    "包吃住",
    "年终奖",
    "带薪年假",
    "节日福利",
    "弹性工作",
    "交通补贴",
    "定期体检",
]
EMPLOYMENT = ["full_time"] * 6 + ["part_time", "internship", "contract", "temporary"]
TEMPLATES = [
    "{city}{company}招聘{title}，负责{skill0}相关工作，要求熟悉{skill1}和{skill2}，{years}年以上经验。福利：{b0}、{b1}。",
    "岗位职责：1. 参与{skill0}项目的设计与实施；2. 使用{skill1}完成日常任务；3. 与团队协作。任职要求：{edu}及以上学历，{years}年经验，有{skill2}经验优先。",
    "We are hiring a {title} in {city}. You will work with {skill0} and {skill1}; experience with {skill2} is a plus. {years}+ years of experience. Benefits: {b0}, {b1}.",
    "{company}（{city}）诚聘{title}：工作地点{city}，薪资面议，{b0}，{b1}，{b2}。要求：吃苦耐劳，有{skill0}经验者优先。",
]
EDU = ["大专", "本科", "高中", "硕士", "中专"]
BASE_TIME = 1_767_225_600  # 2026-01-01 UTC


def employers(rng: random.Random, n: int) -> list[tuple[int, str, bool]]:
    out = []
    for i in range(n):
        city = CITIES[i % len(CITIES)][0]
        name = f"{city}{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_WORDS)}有限公司"
        out.append((i + 1, name, rng.random() < 0.6))
    return out


def generate_jobs(n: int, seed: int = 42, start_id: int = 1) -> Iterator[dict[str, Any]]:
    """Yield ``n`` job documents shaped like :class:`search.documents.JobDocument`."""
    rng = random.Random(seed)
    emps = employers(rng, max(50, n // 200))
    fams = list(FAMILIES.items())
    weights = [5, 1, 3, 3, 3, 3, 1]
    for i in range(n):
        fam, (titles, skills, cat) = rng.choices(fams, weights)[0]
        title = rng.choice(LEVELS) + rng.choice(titles)
        sk = rng.sample(skills, min(len(skills), rng.randint(2, 5)))
        city, prov, city_code = rng.choice(CITIES)
        county = city_code[:4] + f"{rng.randint(1, 12):02d}" + "000000"
        town = county[:6] + f"{rng.randint(1, 20):03d}" + "000"
        path = [prov, city_code, county, town]
        code = town if rng.random() < 0.7 else town[:9] + f"{rng.randint(1, 30):03d}"
        if code != town:
            path.append(code)
        emp_id, emp_name, verified = rng.choice(emps)
        low = rng.choice([2500, 3500, 4500, 6000, 8000, 10000, 12000, 15000, 20000, 25000, 30000])
        high = low + rng.choice([1000, 2000, 3000, 5000, 8000, 10000])
        b = rng.sample(BENEFITS, 3)
        desc = rng.choice(TEMPLATES).format(
            city=city,
            company=emp_name,
            title=title,
            skill0=sk[0],
            skill1=sk[1],
            skill2=sk[-1],
            years=rng.randint(1, 8),
            b0=b[0],
            b1=b[1],
            b2=b[2],
            edu=rng.choice(EDU),
        )
        yield {
            "id": start_id + i,
            "title": title,
            "description": desc,
            "skills": sk,
            "category": f"{cat}-{rng.randint(0, 3):02d}",
            "employment_type": rng.choice(EMPLOYMENT),
            "region_code": code,
            "region_path": path,
            "salary_min": low,
            "salary_max": high,
            "salary_period": "month",
            "remote": rng.random() < 0.08,
            "posted_at": BASE_TIME + rng.randint(0, 180 * 86400),
            "employer_id": emp_id,
            "employer_name": emp_name,
            "employer_verified": verified,
            "status": "open" if rng.random() < 0.95 else "closed",
        }


QUERY_TERMS = [
    "软件工程师",
    "java",
    "python",
    "前端",
    "司机",
    "驾驶员",
    "快递员",
    "会计",
    "产品经理",
    "运维",
    "厨师",
    "护士",
    "销售",
    "Engineer",
    "Developer",
    "React",
    "Docker",
    "叉车工",
    "电工",
    "五险一金",
    "双休",
    "深圳",
    "上海",
    "高级",
    "实习",
    "数据分析",
    "客服",
    "Kubernetes",
    "manager",
    "英语",
    "普工",
    "店长",
    "外卖骑手",
    "pyhton",
    "軟體工程師",
    "司機",
    "开发",
    "测试",
    "golang",
    "Vue",
]
PREFIXES = [
    "软",
    "软件",
    "ja",
    "jav",
    "py",
    "qd",
    "qian",
    "司",
    "siji",
    "kj",
    "会",
    "kuaid",
    "产品",
    "cp",
    "运维",
    "yw",
    "dev",
    "re",
    "腾",
    "华",
    "深圳",
    "sz",
    "电",
    "dg",
    "护",
    "hs",
    "教",
    "ks",
    "销",
    "xs",
]


def query_mix(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """A fixed mix of SearchQuery keyword arguments: 1-3 terms, 0-4 filters, facets on."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        terms = " ".join(rng.sample(QUERY_TERMS, rng.choice([1, 1, 2, 2, 3])))
        q: dict[str, Any] = {"text": terms, "facets": True, "size": 20}
        filters = rng.sample(
            ["region", "salary", "employment_type", "remote", "posted", "verified", "category"],
            rng.choice([0, 1, 1, 2, 2, 3, 4]),
        )
        for f in filters:
            if f == "region":
                city = rng.choice(CITIES)
                q["region"] = city[2] if rng.random() < 0.7 else city[1]
            elif f == "salary":
                q["salary_min"] = rng.choice([5000, 8000, 12000])
                q["salary_max"] = q["salary_min"] + rng.choice([5000, 10000, 20000])
            elif f == "employment_type":
                q["employment_type"] = rng.choice(["full_time", "part_time", "internship"])
            elif f == "remote":
                q["remote"] = True
            elif f == "posted":
                q["posted_within_days"] = rng.choice([7, 30, 90])
                q["now"] = BASE_TIME + 180 * 86400
            elif f == "verified":
                q["verified_only"] = True
            elif f == "category":
                q["category"] = rng.choice(list(FAMILIES.values()))[2] + "-00"
        q["sort"] = rng.choice(["relevance"] * 6 + ["newest", "salary"])
        out.append(q)
    return out
