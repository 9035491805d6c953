"""Region names on pages are read once per web process (app/templating.py), not per page."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app import templating
from app.extensions import db
from app.models import Region, Role
from app.regions.english import english_full_name, english_name
from tests import factories
from tests.app.test_one_language import Page
from tests.web import as_user, post_form


def region_queries(app, work) -> int:
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM regions" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_place_names_are_kept_across_requests_until_they_expire(app, monkeypatch):
    def names():
        assert templating.place("420102") == "湖北省 武汉市 江岸区"
        assert templating.region_names(["4201", "52"]) == {"4201": "武汉市", "52": "贵州省"}
        assert templating.place("429999") == "429999"  # a code the tree lacks

    assert region_queries(app, names) == 3
    assert region_queries(app, names) == 0  # a second page: no query at all

    db.session.execute(sa.update(Region).where(Region.code == "52").values(name="黔"))
    db.session.commit()
    with app.test_request_context():
        assert templating.region_names(["52"]) == {"52": "贵州省"}  # kept until it expires
    later = time.monotonic() + templating.PLACE_NAMES_TTL + 1
    monkeypatch.setattr(templating, "time", SimpleNamespace(monotonic=lambda: later))
    with app.test_request_context():
        assert templating.region_names(["52"]) == {"52": "黔"}  # read again once expired


HAIDIAN = [("11", "北京市", 1, None), ("1101", "市辖区", 2, "11"), ("110108", "海淀区", 3, "1101")]
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def visible_text(response) -> str:
    page = Page()
    page.feed(response.get_data(as_text=True))
    return " ".join(" ".join(page.text).split())


def test_an_english_page_names_places_and_occupations_in_english(app, client):
    from flask import request_started
    from flask_babel import refresh

    # flask-babel keeps the locale in the test's long-lived app context: forget it per request.
    request_started.connect(lambda _sender, **_extra: refresh(), app, weak=False)
    db.session.add_all(Region(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in HAIDIAN)
    owner = factories.user(Role.EMPLOYER, name="Wang Fang")
    employer = factories.employer(owner, region_code="110108", name="Acme Software")
    job = factories.job(employer, title="Backend developer", description="Build services.")
    seeker = factories.user(Role.SEEKER, name="Li Lei")
    resume = factories.resume(
        seeker,
        headline="Backend developer",
        region_code="110108",
        expected_region_codes=["110108", "420102"],
        expected_occupations=["2-02-10-03", "4-03-02-05"],  # 计算机软件工程技术人员, 餐厅服务员
    )
    db.session.commit()

    english = {"Accept-Language": "en"}
    detail = visible_text(client.get(f"/jobs/{job.id}", headers=english))
    assert "Haidian District, Beijing" in detail
    assert not HAN.findall(detail), detail

    as_user(client, seeker)
    post_form(client, "/language", {"lang": "en", "next": "/"}, token_from="/")
    mine = visible_text(client.get(f"/resumes/{resume.id}"))
    assert "Haidian District, Beijing" in mine and "Software engineer, Waiter" in mine
    assert "Jiang'an District, Wuhan, Hubei Province" in mine
    assert not HAN.findall(mine), mine

    post_form(client, "/language", {"lang": "zh", "next": "/"}, token_from="/")
    chinese = visible_text(client.get(f"/resumes/{resume.id}"))
    assert "北京市 海淀区" in chinese and "计算机软件工程技术人员、餐厅服务员" in chinese


def test_english_place_names_follow_the_kind_of_division():
    assert english_name("北京市") == "Beijing"
    assert english_name("河北省") == "Hebei Province"
    assert english_name("海淀区") == "Haidian District"
    assert english_name("西安市") == "Xi'an"
    assert english_name("石林彝族自治县") == "Shilin Yi Autonomous County"
    assert english_name("中关村街道") == "Zhongguancun Subdistrict"
    assert english_name("温泉镇") == "Wenquan Town"
    assert english_name("多福巷社区居委会") == "Duofuxiang Community"
    assert english_name("白家疃村委会") == "Baijiatuan Village"
    assert english_full_name("湖北省 武汉市 江岸区") == "Jiang'an District, Wuhan, Hubei Province"


def test_a_name_without_a_kind_of_division_is_spelled_word_by_word():
    """Special units of township level: words a reader can tell apart, English brackets."""
    assert english_name("百步亭花园") == "Baibuting Huayuan"
    assert english_name("深州监狱") == "Shenzhou Jianyu"
    assert (
        english_name("麒麟科技创新园（生态科技城）")
        == "Qilin Keji Chuangxin Yuan (Shengtai Keji Cheng)"
    )


def test_places_go_by_their_standard_english_names():
    # romanised from Uygur, Mongolian or Tibetan, not from the Chinese characters
    assert english_name("乌鲁木齐市") == "Urumqi"
    assert english_name("乌鲁木齐县") == "Urumqi County"
    assert english_name("拉萨市") == "Lhasa"
    assert english_name("阿里地区") == "Ngari Prefecture"
    assert english_name("兴安盟") == "Hinggan League"
    assert english_name("兴安县") == "Xing'an County"  # Guangxi's: Chinese, so pinyin
    assert english_name("乌鲁木齐市", exonyms=False) == "Wulumuqi"
    # an autonomous area's people, named without 族 before 自治
    assert english_name("巴音郭楞蒙古自治州") == "Bayingolin Mongol Autonomous Prefecture"
    assert english_name("伊犁哈萨克自治州") == "Ili Kazakh Autonomous Prefecture"
    assert english_name("海西蒙古族藏族自治州") == "Haixi Mongol Tibetan Autonomous Prefecture"


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("菏泽高新技术开发区", "Heze High-tech Development Zone"),
        ("天津港保税区", "Tianjingang Bonded Zone"),
        ("茂山林场", "Maoshan Forest Farm"),
        ("辽河农场", "Liaohe Farm"),
        ("万寿滩良种场", "Wanshoutan Seed Farm"),
        ("大蒲河管理处", "Dapuhe Administration Office"),
        ("珍珠泉旅游度假区", "Zhenzhuquan Tourist Resort"),
        ("华润·凌江社区居民委员会", "Huarun · Lingjiang Community"),  # each side of the dot
    ],
)
def test_farms_zones_and_offices_are_named_by_their_kind(name, english):
    assert english_name(name) == english


def test_an_english_name_sent_back_by_a_form_keeps_its_place(app):
    """Without the picker's script a form sends the names it showed: English on an English
    page, which the tree's Chinese names cannot resolve, and commas inside a name."""
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    from app.forms import RegionField, RegionListField

    class Places(FlaskForm):
        home = RegionField()
        wished = RegionListField()

    shown = SimpleNamespace(home="420102", wished=["420102", "520302"])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = Places(obj=shown, meta={"csrf": False})
        home, wished = form.home._value(), form.wished._value()
        assert home == "Jiang'an District, Wuhan, Hubei Province"
        sent = Places(MultiDict({"home": home, "wished": wished}), obj=shown, meta={"csrf": False})
        assert sent.validate(), sent.errors
        assert sent.home.data == "420102" and sent.wished.data == ["420102", "520302"]


def test_match_reasons_name_their_place_and_occupation_in_the_page_language():
    from app.ranking.service import reason_texts

    stored = [  # as matching stored them until 2026-12-04: places in pinyin, CSCO's in Chinese
        {"code": "same_county", "params": {"place": {"zh": "海淀区", "en": "Haidian"}}},
        {"code": "same_occupation", "params": {"occupation": {"zh": "电工", "en": "电工"}}},
    ]
    assert [text for text, _ in reason_texts(stored, "en")] == [
        "Lives in the same district as the job (Haidian District)",
        "Same occupation: Electrician",
    ]
    assert [text for text, _ in reason_texts(stored, "zh")] == [
        "与岗位同在海淀区",
        "职业相同：电工",
    ]


def test_a_match_reason_names_a_place_as_the_pages_do():
    from app.ranking.service import _stored, reason_texts
    from matching import CandidateProfile, JobProfile, score

    job = JobProfile(id=1, title="电工", region_code="650102")  # 乌鲁木齐市天山区
    seeker = CandidateProfile(id=2, headline="电工", region_code="650104")
    match = score(job, seeker)
    same_city = [r for r in _stored(match.reasons) if r["code"] == "same_city"]
    assert [text for text, _ in reason_texts(same_city, "en")] == [
        "Lives in the same city as the job (Urumqi)"
    ]
    assert [text for text, _ in reason_texts(same_city, "zh")] == ["与岗位同城：乌鲁木齐市"]
    assert "Lives in the same city as the job (Urumqi)" in match.explain("en", limit=5)


def test_matching_names_every_place_as_the_app_does():
    """matching's own table (tools/name_matching_regions.py writes its English column)."""
    from matching.regions import _names

    names = _names()
    assert len(names) > 3000
    assert {code: en for code, (_, en) in names.items()} == {
        code: english_name(zh) for code, (zh, _) in names.items()
    }
    assert names["370505"] == ("垦利区", "Kenli District")  # no trailing no-break space
