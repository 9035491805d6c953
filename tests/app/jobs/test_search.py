"""The job search page over the real embedded index, fed by the real queue."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import update

from app.extensions import db
from app.jobs import search
from app.models import EmploymentType, Job, JobStatus
from app.queue import DERIVED
from tests import factories


def text(client, url: str) -> str:
    """The page's text without tags (highlights split titles into <mark> parts)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def publish(**fields) -> Job:
    employer = fields.pop("employer", None) or factories.employer(
        name=fields.pop("employer_name", "云聘科技")
    )
    return factories.job(employer, **fields)


def test_a_written_job_is_found_in_traditional_chinese_and_by_synonym(client, worker):
    publish(title="软件工程师", description="开发内部系统", skills=["Python"])
    publish(title="驾驶员", description="市内配送", skills=["C1驾照"])
    db.session.commit()
    assert worker(DERIVED) >= 2

    page = client.get("/jobs/?q=軟體工程師").get_data(as_text=True)
    assert "<mark>软件工程师</mark>" in page or "<mark>软件</mark>" in page
    assert "驾驶员" not in page
    page = text(client, "/jobs/?q=司機")
    assert "驾驶员" in page and "软件工程师" not in page


def test_closing_or_unpublishing_removes_a_job(client, worker):
    job = publish(title="焊工", description="氩弧焊")
    other = publish(title="焊工学徒", description="学习焊接")
    db.session.commit()
    worker(DERIVED)
    assert "焊工学徒" in text(client, "/jobs/?q=焊工")

    job.status = JobStatus.CLOSED
    other.status = JobStatus.DRAFT
    db.session.commit()
    worker(DERIVED)
    page = text(client, "/jobs/?q=焊工")
    assert "焊工学徒" not in page and "氩弧焊" not in page and "0 jobs" in page


def test_facets_highlights_and_cursor_paging(client, worker):
    employer = factories.employer()
    for i in range(23):
        kind = EmploymentType.PART_TIME if i % 4 == 0 else EmploymentType.FULL_TIME
        factories.job(
            employer, title=f"Java开发工程师 {i}", employment_type=kind, description="Java 后端"
        )
    factories.job(employer, title="会计", description="账务", skills=["Excel"])
    db.session.commit()
    worker(DERIVED)

    page = client.get("/jobs/?q=java&sort=newest").get_data(as_text=True)
    assert page.count('class="job-card"') == 20
    assert "<mark>Java</mark>" in page
    assert re.search(
        r'name="employment_type" value="part_time"> [^<]+ <span class="count">6</span>', page
    )
    assert "会计" not in page
    next_url = unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))
    assert parse_qs(urlsplit(next_url).query)["q"] == ["java"]
    second = client.get(next_url).get_data(as_text=True)
    assert second.count('class="job-card"') == 3
    assert 'rel="next"' not in second


def test_the_url_holds_the_whole_search(client, worker):
    publish(
        title="远程客服", remote=True, region_code="420102001001", salary_min=5000, salary_max=7000
    )
    publish(title="客服专员", region_code="5203", salary_min=5000, salary_max=7000)
    db.session.commit()
    worker(DERIVED)
    url = "/jobs/?q=客服&region=42&remote=1&salary_min=4000&posted_within=30&sort=salary"
    # posted_within is relative to now; the factory's jobs are from 2026-11-01 and the
    # filter must still round-trip in the form.
    page = text(client, url.replace("&posted_within=30", ""))
    assert "远程客服" in page and "客服专员" not in page
    page = client.get(url).get_data(as_text=True)
    assert (
        'name="region" value="Hubei Province" data-region-code="42"' in page
    )  # a name, the code for the picker
    assert 'id="remote" name="remote" type="checkbox" value="1" checked' in page
    assert 'value="4000"' in page and '<option value="30" selected>' in page
    assert '<option value="salary" selected>' in page and 'value="客服"' in page


def test_several_areas_and_categories_at_once_with_counts_as_if_off(client, worker):
    """Two districts and two occupations ticked: jobs in any of them; each list still offers
    the other values, counted with the other filters on; names are shown, never codes."""
    employer = factories.employer()
    for title, region, category in (
        ("仓库管理员", "420102001001", "4-02-06-03"),
        ("仓库搬运工", "420103002", "4-02-06-03"),
        ("仓库会计", "420102", "2-06-01-01"),
        ("仓库保安", "420103", "4-07-05-01"),
        ("仓库文员", "520302", "4-02-06-03"),
    ):
        factories.job(employer, title=title, region_code=region, category=category)
    db.session.commit()
    worker(DERIVED)

    url = (
        "/jobs/?q=仓库&region=4201&area=420102&area=420103&category=4-02-06-03&category=2-06-01-01"
    )
    page = client.get(url).get_data(as_text=True)
    shown = text(client, url)
    assert {"仓库管理员", "仓库搬运工", "仓库会计"} <= set(re.findall(r"仓库\w+", shown))
    assert "仓库保安" not in shown and "仓库文员" not in shown
    assert "3 jobs" in shown

    def option(param: str, value: str) -> re.Match:
        found = re.search(
            rf'name="{param}" value="{value}"( checked)?> ([^<]+?)(?: <span class="count">(\d+)</span>)?</label>',
            page,
        )
        assert found, (param, value)
        return found

    # Areas: counted without the area selection (but with the categories): 江岸区 2, 江汉区 1,
    # named in English on this English page.
    jiangan, jianghan = option("area", "420102"), option("area", "420103")
    assert (jiangan.group(1), jiangan.group(2), jiangan.group(3)) == (
        " checked",
        "Jiang&#39;an District",
        "2",
    )
    assert (jianghan.group(2), jianghan.group(3)) == ("Jianghan District", "1")
    # Occupations: counted without the category selection (but in the two areas).
    storage = option("category", "4-02-06-03")
    assert storage.group(1) and storage.group(3) == "2" and storage.group(2) != "4-02-06-03"
    guard = option("category", "4-07-05-01")
    assert not guard.group(1) and guard.group(3) == "1"
    # The phone's filter sheet says how many filters are on.
    assert 'href="#filters"' in page and "Filters (5)" in page


def test_areas_outside_the_region_are_400(client):
    for query in ("region=4201&area=5203", "area=4201&area=420102", "area=42x"):
        assert client.get("/jobs/?" + query).status_code == 400, query


def test_suggest_by_pinyin_and_characters(client, worker):
    publish(title="软件工程师")
    db.session.commit()
    worker(DERIVED)
    for prefix in ("ruanjian", "rjgc", "軟體"):
        found = client.get(f"/jobs/suggest?q={prefix}").get_json()
        assert "软件工程师" in [s["text"] for s in found], prefix
    assert client.get("/jobs/suggest?q=").get_json() == []


def test_bad_parameters_are_400_with_a_message(client):
    for query in (
        "salary_min=abc",
        "sort=cheapest",
        "cursor=%%%",
        "region=12x",
        "employment_type=slave",
        "salary_min=9000&salary_max=100",
        "posted_within=2",
        "q=" + "x" * 101,
    ):
        response = client.get("/jobs/?" + query)
        assert response.status_code == 400, query


def test_backend_down_the_page_answers_from_the_database_and_writes_wait(app, client, derived):
    from app.indexing import service as search_index

    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    job = publish(title="仓库管理员", description="盘点", skills=["WMS"])
    db.session.commit()
    job_id = job.id

    response = client.get("/jobs/?q=仓库&region=42")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "slower backup mode" in page and "仓库管理员" in page
    assert client.get("/jobs/suggest?q=cangku").get_json() == []

    from rq.registry import ScheduledJobRegistry

    from app import batching
    from app.queue import INDEX, get_queue

    derived()
    queue = get_queue(app, INDEX)
    scheduled = ScheduledJobRegistry(queue=queue)
    (waiting,) = [queue.fetch_job(i) for i in scheduled.get_job_ids()]
    assert waiting.func_name == "app.indexing.tasks.flush" and waiting.retries_left > 0
    # The write stays marked while the engine is down; new writes do not pile up flushes.
    assert batching.backlog(app)["search"] >= 1
    publish(title="仓库搬运工")
    db.session.commit()
    assert queue.count == 0

    # The engine is back: the retry (due later; released by hand here) indexes both jobs.
    app.config.update(SEARCH_BACKEND="embedded", SEARCH_URL=str(app.instance_path) + "/search")
    search_index.close_backend(app)
    scheduled.remove(waiting)
    queue.enqueue_job(waiting)
    finished, failed = derived()
    assert finished >= 1 and failed == 0
    assert batching.backlog(app)["search"] == 0
    page = text(client, "/jobs/?q=仓库")
    assert "仓库管理员" in page and "仓库搬运工" in page and "slower backup mode" not in page
    assert job_id


def test_an_unusable_index_directory_also_falls_back(app, client):
    from app.indexing import service as search_index

    app.config["SEARCH_URL"] = "/proc/yunpin-cannot-create/search"
    search_index.close_backend(app)
    publish(title="电工")
    db.session.commit()
    page = text(client, "/jobs/?q=电工")
    assert "slower backup mode" in page and "电工" in page


def test_jobs_like_this_one_on_the_detail_page(client, worker):
    job = publish(title="Java开发工程师", skills=["Java", "Spring"])
    publish(title="Java后端开发", skills=["Java", "MySQL"])
    publish(title="厨师", skills=["中餐"])
    db.session.commit()
    worker(DERIVED)
    page = text(client, f"/jobs/{job.id}")
    similar = page.split("Jobs like this one", 1)[1]
    assert "Java后端开发" in similar and "厨师" not in similar


def test_a_job_sharing_one_common_skill_is_not_like_this_one(client, worker):
    """Where few jobs are alike, the list is shorter, not filled with a cashier's Excel."""
    job = publish(title="质量检验员", skills=["Excel", "测量工具", "ISO9001"])
    publish(title="质量检验员", skills=["测量工具"])  # the same title
    publish(title="品控专员", skills=["ISO9001", "测量工具"])  # two of its skills
    publish(title="出纳", skills=["Excel", "银行对账"])  # one everyday skill only
    publish(title="前台文员", skills=["excel"])
    db.session.commit()
    worker(DERIVED)
    similar = text(client, f"/jobs/{job.id}").split("Jobs like this one", 1)[1]
    assert "质量检验员" in similar and "品控专员" in similar
    assert "出纳" not in similar and "前台文员" not in similar
    # A job listing a single skill is like another with that skill.
    one = publish(title="叉车司机", skills=["叉车证"])
    publish(title="仓库搬运工", skills=["叉车证", "装卸"])
    db.session.commit()
    worker(DERIVED)
    assert "仓库搬运工" in text(client, f"/jobs/{one.id}").split("Jobs like this one", 1)[1]


def test_reindex_and_check_repair_from_the_cli(app, runner, client):
    from app.cli import main

    job = publish(title="数控车床操作工", description="CNC")
    db.session.commit()  # the queue is not drained: the index knows nothing yet
    assert "0 jobs" in text(client, "/jobs/?q=数控")

    result = runner.invoke(main, ["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "jobs: 1 documents" in result.output
    assert "数控车床操作工" in text(client, "/jobs/?q=数控")

    # Changed behind the queue's back (a bulk SQL update): the index is stale.
    db.session.execute(update(Job).where(Job.id == job.id).values(title="叉车司机"))
    db.session.commit()
    result = runner.invoke(main, ["search", "check"])
    assert result.exit_code == 1 and "stale 1" in result.output
    result = runner.invoke(main, ["search", "check", "--repair"])
    assert result.exit_code == 0 and "repaired" in result.output
    assert runner.invoke(main, ["search", "check"]).exit_code == 0
    assert "叉车司机" in text(client, "/jobs/?q=叉车")


def test_yunpin_run_rebuilds_an_index_of_an_older_schema(app, client, worker):
    from app.cli import build_search_index_if_needed
    from app.indexing import service as search_index

    publish(title="软件测试工程师")
    db.session.commit()
    worker(DERIVED)
    backend = search_index.get_backend(app)
    live = backend.gens.current("jobs")
    (backend.gens.path("jobs", live) / "SCHEMA").write_text("1\n")  # built by the old analyser
    search_index.close_backend(app)
    assert "slower backup mode" in text(client, "/jobs/?q=软件工程师")

    build_search_index_if_needed()  # what `yunpin run` does before serving
    page = text(client, "/jobs/?q=软件工程师")
    assert "软件测试工程师" in page and "slower backup mode" not in page


def test_yunpin_run_rebuilds_only_the_kinds_built_at_an_older_schema(app, capsys):
    from app.cli import build_search_index_if_needed
    from app.indexing import service as search_index
    from search.defaults import SCHEMA_VERSION

    publish(title="仓库管理员")
    db.session.commit()
    build_search_index_if_needed()  # a fresh instance: both kinds are built
    assert "(jobs, resumes)" in capsys.readouterr().out
    backend = search_index.get_backend(app)
    jobs, resumes = backend.gens.current("jobs"), backend.gens.current("resumes")
    (backend.gens.path("resumes", resumes) / "SCHEMA").write_text(f"{SCHEMA_VERSION - 1}\n")
    search_index.close_backend(app)

    build_search_index_if_needed()
    assert "(resumes)" in capsys.readouterr().out
    backend = search_index.get_backend(app)
    assert backend.gens.current("jobs") == jobs  # current: left alone
    rebuilt = backend.gens.current("resumes")
    assert rebuilt != resumes and backend.gens.schema_version("resumes", rebuilt) == SCHEMA_VERSION

    build_search_index_if_needed()  # nothing left to do
    assert "Building" not in capsys.readouterr().out
    search_index.close_backend(app)


def test_a_place_typed_in_english_filters_like_one_picked(client, worker):
    """An English page names places in English, so a visitor may type one without the picker."""
    from app.models import Region
    from app.regions.loader import pinyin_for

    beijing = [
        ("11", "北京市", 1, None),
        ("1101", "市辖区", 2, "11"),
        ("110108", "海淀区", 3, "1101"),
    ]
    db.session.add_all(
        Region(code=c, name=n, level=lv, parent_code=p, pinyin=pinyin_for(n))
        for c, n, lv, p in beijing
    )
    publish(title="海淀客服", region_code="110108")
    publish(title="江岸客服", region_code="420102")
    db.session.commit()
    worker(DERIVED)
    for typed in ("Haidian", "haidian", "Haidian District, Beijing"):
        url = f"/jobs/?q=客服&region={typed}"
        page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert 'data-region-code="110108"' in page, typed
        assert "海淀客服" in re.sub(r"<[^>]+>", "", page) and "江岸客服" not in page, typed
    page = text(client, "/jobs/?q=客服&region=Beijing")
    assert "海淀客服" in page and "江岸客服" not in page


def test_jobs_of_one_occupation_are_alike_but_not_of_one_broad_group():
    def job(title: str, category: str) -> Job:
        return Job(title=title, category=category, skills=[])

    assert search.alike(job("数控车工", "6-18-01-01"), job("车床操作员", "6-18-01-01"))
    assert not search.alike(job("数控车工", "6"), job("缝纫工", "6"))
    assert not search.alike(job("数控车工", "6-18-01-01"), job("缝纫工", "6-05-01-01"))
