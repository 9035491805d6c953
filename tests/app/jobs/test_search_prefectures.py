"""An autonomous prefecture or county typed as people write it: 恩施州, 长阳县 (its place and
its kind's last character), and in English Enshi Prefecture, Changyang County, its official
name with "and" between its peoples, or enshi zhou. On the page in both languages and in the
API; the real embedded index fed by the real queue, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Region, Role
from app.queue import DERIVED
from app.regions.loader import pinyin_for
from tests import factories
from tests.app.jobs.test_search_english import EN, ZH, jobs, titles, words  # noqa: F401

pytestmark = pytest.mark.usefixtures("jobs")  # 茶叶销售 in 恩施市, and sales jobs elsewhere

ENSHI = "4228"
CHANGYANG = "420528"


@pytest.fixture
def changyang(worker):
    db.session.add(Region(code="4205", name="宜昌市", level=2, parent_code="42"))
    db.session.add(Region(code=CHANGYANG, name="长阳土家族自治县", level=3, parent_code="4205"))
    db.session.flush()
    for region in db.session.get(Region, "4205"), db.session.get(Region, CHANGYANG):
        region.pinyin = pinyin_for(region.name)
    factories.job(factories.employer(), title="乡镇卫生院护士", region_code=CHANGYANG, skills=[])
    db.session.commit()
    worker(DERIVED)


@pytest.mark.parametrize("typed", ["销售 恩施州", "恩施州销售", "恩施州 销售"])
def test_a_prefecture_written_with_zhou_is_the_place(client, typed):
    assert titles(client, f"/jobs/?q={typed}", ZH) == ["茶叶销售"]
    shown = words(client.get(f"/jobs/?q={typed}", headers=ZH).get_data(True))
    assert "在 恩施土家族苗族自治州 中搜索 销售 ·" in shown  # no 州 left among the words


@pytest.mark.parametrize(
    "typed",
    [
        "sales Enshi Prefecture",
        "sales in Enshi Tujia and Miao Autonomous Prefecture",
        "sales Enshi Autonomous Prefecture",
        "enshi zhou sales",
    ],
)
def test_a_prefecture_said_in_english_leaves_no_word_behind(client, typed):
    assert titles(client, f"/jobs/?q={typed}") == ["茶叶销售"]
    shown = words(client.get(f"/jobs/?q={typed}", headers=EN).get_data(True))
    assert "Searching for sales in Enshi" in shown


def test_the_api_reads_zhou_as_the_page_does(client):
    owner = factories.user(Role.SEEKER)
    bearer = {"Authorization": f"Bearer {create_api_token(owner, 'tests')}"}
    db.session.commit()
    for typed in ("恩施州 销售", "sales Enshi Prefecture"):
        body = client.get(f"/api/v1/jobs?q={typed}", headers=bearer).get_json()
        assert [item["title"] for item in body["items"]] == ["茶叶销售"], typed
        assert body["reading"]["place"].startswith(ENSHI), body["reading"]


@pytest.mark.parametrize(
    ("typed", "headers"),
    [
        ("护士 长阳县", ZH),
        ("长阳县护士", ZH),
        ("nurse Changyang County", EN),
        ("changyang xian 护士", EN),
    ],
)
def test_an_autonomous_county_written_with_xian_is_the_place(client, changyang, typed, headers):
    assert titles(client, f"/jobs/?q={typed}", headers) == ["乡镇卫生院护士"]
    assert titles(client, "/jobs/?q=护士", headers) == ["乡镇卫生院护士", "急诊科护士"]
