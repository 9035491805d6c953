"""What an outside tester typed into the job search box on a phone, in English and Chinese:
places as the English pages print them, everyday job words, 叉车工, and addresses the
search cannot use. The real embedded index fed by the real queue, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EmploymentType, Region
from app.queue import DERIVED
from app.regions.loader import pinyin_for
from tests import factories

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}

PLACES = [
    ("36", "江西省", 1, None),
    ("3604", "九江市", 2, "36"),
    ("360426", "德安县", 3, "3604"),  # De'an: "dean" is an English word first
    ("51", "四川省", 1, None),
    ("5115", "宜宾市", 2, "51"),
    ("511523", "江安县", 3, "5115"),  # Jiang'an County: the namesake of 江岸区 in English
    ("4228", "恩施土家族苗族自治州", 2, "42"),  # Enshi, as 恩施 is said
    ("422801", "恩施市", 3, "4228"),
]

JIANG_AN = "420102"
JIANG_HAN = "420103"
ZUNYI = "520302"


def titles(client, url: str, headers=EN) -> list[str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    found = re.findall(
        r'class="job-card">\s*<a [^>]*><h3>(.*?)</h3>', response.get_data(True), re.S
    )
    return sorted(re.sub(r"<[^>]+>", "", t) for t in found)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())


@pytest.fixture
def jobs(app, worker):
    for code, name, level, parent in PLACES:
        db.session.add(Region(code=code, name=name, level=level, parent_code=parent))
    db.session.flush()
    for region in db.session.scalars(select(Region)):  # as `yunpin regions load` fills it
        region.pinyin = pinyin_for(region.name)
    employer = factories.employer(name="江城服务")

    def post(title, region=JIANG_AN, **fields):
        fields.setdefault("description", "工作认真负责")
        fields.setdefault("skills", [])
        factories.job(employer, title=title, region_code=region, **fields)

    post("急诊科护士")
    post("叉车司机", description="仓库叉车作业")
    post("仓库管理员", description="负责出入库盘点")
    post("超市收银员", employment_type=EmploymentType.PART_TIME)
    post("周末兼职促销")
    post("外卖配送员")
    post("货车司机", region=JIANG_HAN)
    post("中餐厨师")
    post("保洁员")
    post("小区保安")
    post("电焊工")
    post("销售代表", region=ZUNYI)
    post("茶叶销售", region="422801")
    post("Dean of Studies 教务长")
    post("社区网格员", region="420102001")  # 大智街道: Dazhi Subdistrict
    db.session.commit()
    worker(DERIVED)


def test_places_typed_as_english_pages_print_them(client, jobs):
    wuhan = titles(client, "/jobs/?q=司机")
    assert wuhan == ["叉车司机", "货车司机"]
    assert titles(client, "/jobs/?q=driver Wuhan") == wuhan
    jiang_an = titles(client, f"/jobs/?region={JIANG_AN}")
    assert "叉车司机" in jiang_an and "货车司机" not in jiang_an
    for typed in ("Jiang'an", "Jiangan", "jiang an", "JIANG'AN DISTRICT", "jiangan qu", "Jiang’an"):
        assert titles(client, f"/jobs/?q={typed}") == jiang_an, typed
    html = client.get("/jobs/?q=Jiang'an", headers=EN).get_data(True)
    assert "Jobs in Jiang'an District" in words(html)
    assert "Jiang'an County" in words(html)  # the other place of that name, offered
    assert titles(client, "/jobs/?q=nurse Wuhan") == ["急诊科护士"]
    assert titles(client, "/jobs/?q=wuhan city nurse") == ["急诊科护士"]
    assert titles(client, "/jobs/?q=sales Zunyi") == ["销售代表"]
    shown = words(client.get("/jobs/?q=sales Zunyi", headers=EN).get_data(True))
    assert "Searching for sales in Zunyi" in shown
    # The Chinese page reads the English name the same way, and names the place in Chinese.
    assert titles(client, "/jobs/?q=nurse Wuhan", ZH) == ["急诊科护士"]
    assert "武汉市" in words(client.get("/jobs/?q=nurse Wuhan", headers=ZH).get_data(True))


def test_an_autonomous_prefecture_goes_by_its_first_word(client, jobs):
    assert titles(client, "/jobs/?q=sales Enshi") == ["茶叶销售"]
    assert titles(client, "/jobs/?q=销售 恩施", ZH) == ["茶叶销售"]
    shown = words(client.get("/jobs/?q=sales Enshi", headers=EN).get_data(True))
    assert "Searching for sales in Enshi" in shown


def test_townships_typed_in_english_with_their_kind(client, jobs):
    for typed in ("Dazhi Subdistrict", "dazhi jiedao", "DAZHI SUBDISTRICT 网格员"):
        assert titles(client, f"/jobs/?q={typed}") == ["社区网格员"], typed
    shown = words(client.get("/jobs/?q=Dazhi Subdistrict", headers=EN).get_data(True))
    assert "Jobs in Dazhi Subdistrict" in shown
    # Without its kind a township's name stays a word (Side, Line and Sale are townships).
    assert titles(client, "/jobs/?q=dazhi") == []
    assert "Jobs in" not in words(client.get("/jobs/?q=dazhi", headers=EN).get_data(True))


def test_english_words_that_are_place_names_stay_words(client, jobs):
    assert titles(client, "/jobs/?q=dean") == ["Dean of Studies 教务长"]
    assert "De'an" not in words(client.get("/jobs/?q=dean", headers=EN).get_data(True))
    for typed in ("Dean County", "De'an"):  # with its kind or its apostrophe it is the place
        shown = words(client.get(f"/jobs/?q={typed}", headers=EN).get_data(True))
        assert "No jobs in De'an County yet." in shown, typed


def test_the_api_reads_english_places_too(client, jobs):
    body = client.get("/api/v1/jobs?q=nurse Wuhan").get_json()
    assert [item["title"] for item in body["items"]] == ["急诊科护士"]
    assert body["reading"]["place"] == "4201" and body["reading"]["words"] == "nurse"
    assert body["reading"]["typed"] == "Wuhan"


def test_everyday_english_job_words_find_chinese_jobs(client, jobs):
    expected = {
        "warehouse": ["仓库管理员", "叉车司机"],  # the forklift job works in one
        "forklift": ["叉车司机"],
        "forklift driver": ["叉车司机"],
        "delivery": ["外卖配送员"],
        "driver": ["叉车司机", "货车司机"],
        "cashier": ["超市收银员"],
        "cook": ["中餐厨师"],
        "cleaner": ["保洁员"],
        "security guard": ["小区保安"],
        "welder": ["电焊工"],
        "nurse": ["急诊科护士"],
    }
    for typed, found in expected.items():
        assert titles(client, f"/jobs/?q={typed}") == found, typed


def test_part_time_finds_part_time_jobs_whatever_their_text_says(client, jobs):
    part_time = ["周末兼职促销", "超市收银员"]  # one says 兼职, the other is of that type
    for typed in ("part time", "part-time", "Part Time", "兼职"):
        assert titles(client, f"/jobs/?q={typed}") == part_time, typed
    assert titles(client, "/jobs/?q=part time cashier") == ["超市收银员"]
    assert titles(client, "/jobs/?q=兼职收银") == ["超市收银员"]


def test_a_worker_named_by_the_machine_finds_its_drivers(client, jobs):
    assert titles(client, "/jobs/?q=叉车工") == ["叉车司机"]
    assert titles(client, "/jobs/?q=叉车工", ZH) == ["叉车司机"]


BAD = {
    "salary_min=abc": "The lowest salary must be a whole number from 0 to 10000000.",
    "salary_max=-5": "The highest salary must be a whole number from 0 to 10000000.",
    "region=zzz": "No such place. Choose one from the list.",
    "page=-1": "The page number must be a whole number from 1 to 1000.",
    "sort=cheapest": "Unknown sort order.",
    "employment_type=slave": "Unknown employment type.",
    "posted_within=2": "Unknown time range.",
    "salary_min=9000&salary_max=100": "The minimum salary is above the maximum.",
    "cursor=%25%25%25": "Invalid page link.",
    "category=xyz": "No such occupation. Choose one from the list.",
}


def test_a_bad_address_shows_the_search_page_with_the_problem_beside_the_box(client, jobs):
    for query, message in BAD.items():
        response = client.get(f"/jobs/?q=叉车&{query}", headers=EN)
        html = response.get_data(True)
        assert response.status_code == 400, query
        problems = re.search(r'<div id="search-problems" role="alert">(.*?)</div>', html, re.S)
        assert problems, query
        said = words(problems.group(1))
        assert said == f"{message} It was left out of this search.", query
        assert 'aria-describedby="search-problems"' in html
        assert 'name="q" type="search" value="叉车"' in html, query  # the text stays in the box
        assert "叉车司机" in words(html), query  # and the rest of the search still runs


def test_a_text_over_100_characters_is_cut_in_the_box_and_searched(client, jobs):
    typed = "叉车" + "x" * 148
    response = client.get(f"/jobs/?q={typed}", headers=EN)
    html = response.get_data(True)
    assert response.status_code == 400
    assert f'value="{typed[:100]}"' in html
    assert (
        "The search text is too long (100 characters at most). "
        "Its first 100 characters were searched."
    ) in words(html)
    # Nothing is kept for the next visitor: a bad address is rendered each time.
    assert client.get(f"/jobs/?q={typed}", headers=EN).status_code == 400


def test_the_chinese_page_says_the_problem_in_chinese(client, jobs):
    response = client.get("/jobs/?q=叉车&salary_min=abc", headers=ZH)
    problems = re.search(
        r'<div id="search-problems" role="alert">(.*?)</div>', response.get_data(True), re.S
    )
    assert response.status_code == 400 and problems
    assert not re.search("[A-Za-z]{3,}", words(problems.group(1))), problems.group(1)


def test_the_home_page_box_takes_100_characters_as_the_search_page_does(client):
    html = client.get("/", headers=EN).get_data(True)
    boxes = re.findall(r'<input id="hero-q"[^>]*>', html)
    assert boxes and all('maxlength="100"' in box for box in boxes)


def test_the_backup_search_reads_the_box_as_the_engine_does(app, client, jobs):
    from app.indexing import service as search_index

    typed = ["nurse Wuhan", "warehouse worker", "forklift", "叉车工", "part time", "配送"]
    found = {words: titles(client, f"/jobs/?q={words}") for words in typed}
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    for words in typed:
        assert "slower backup mode" in client.get(f"/jobs/?q={words}", headers=EN).get_data(True)
        assert found[words] and titles(client, f"/jobs/?q={words}") == found[words], words


def test_the_api_s_backup_search_reads_q_as_the_engine_does(app, client, jobs):
    from app.indexing import service as search_index

    def api(words: str) -> tuple[str, list[str]]:
        response = client.get(f"/api/v1/jobs?q={words}")
        assert response.status_code == 200, words
        return response.headers["X-Search-Source"], sorted(
            i["title"] for i in response.json["items"]
        )

    typed = ["forklift", "warehouse", "nurse Wuhan", "jobs in Wuhan", "叉车工", "cook"]
    found = {words: api(words) for words in typed}
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    for words in typed:
        source, backup = api(words)
        assert found[words][0] == "engine" and source == "database", words
        assert found[words][1] and backup == found[words][1], words
