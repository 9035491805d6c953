"""Place names are read as places are read (三都 Sandu, not Sandou; 碑林区 Beilin District,
not "Bei Forestry District"), checked on the real tree (app/data/regions), not on names made
up for the test."""

from __future__ import annotations

import csv
import gzip

import pytest

from app.regions.english import english_name
from app.regions.loader import DATA_DIR, pinyin_for

READ_AS_PLACES = {
    "三都水族自治县": "Sandu Shui Autonomous County",
    "成都市": "Chengdu",
    "都江堰市": "Dujiangyan",
    "都匀市": "Duyun",
    "丰都县": "Fengdu County",
    "长治市": "Changzhi",
    "天长市": "Tianchang",
    "长子县": "Zhangzi County",
    "重庆市": "Chongqing",
    "厦门市": "Xiamen",
    "蚌埠市": "Bengbu",
    "蚌山区": "Bengshan District",
    "六安市": "Lu'an",
    "六合区": "Luhe District",
    "六盘水市": "Liupanshui",
    "番禺区": "Panyu District",
    "乐山市": "Leshan",
    "南乐县": "Nanle County",
    "乐清市": "Yueqing",
    "乐亭县": "Laoting County",
    "朝阳市": "Chaoyang",
    "库尔勒市": "Ku'erle",
    "阿图什市": "Atushi",
    "单县": "Shan County",
    "蔚县": "Yu County",
    "涡阳县": "Guoyang County",
    "覃塘区": "Qintang District",
    "洪洞县": "Hongtong County",
    "铅山县": "Yanshan County",
    "尉犁县": "Yuli County",
    # Districts whose own name ends like a kind of division
    "碑林区": "Beilin District",
    "万柏林区": "Wanbailin District",
    "下花园区": "Xiahuayuan District",
    "绿园区": "Lüyuan District",
    "清新区": "Qingxin District",
    "神农架林区": "Shennongjia Forestry District",
    "沈北新区": "Shenbei New Area",
    "西藏文化旅游创意园区": "Xizangwenhualüyouchuangyi Park",
}


def county_and_higher_names() -> set[str]:
    names = set()
    for level in ("provinces", "cities", "areas"):
        with gzip.open(DATA_DIR / f"{level}.csv.gz", "rt", encoding="utf-8") as rows:
            names.update(row["name"] for row in csv.DictReader(rows))
    return names


@pytest.fixture(scope="module")
def real_names() -> set[str]:
    return county_and_higher_names()


def test_polyphonic_place_names_are_read_as_places(real_names):
    assert set(READ_AS_PLACES) <= real_names, "the examples are real places"
    assert {name: english_name(name) for name in READ_AS_PLACES} == READ_AS_PLACES


def test_no_real_place_is_read_with_an_everyday_reading(real_names):
    """都 is du and 长 chang in every county-level name of the tree, save 长子县."""
    misread = {
        name: english_name(name)
        for name in real_names
        if ("都" in name and "dou" in english_name(name).lower())
        or ("长" in name and name != "长子县" and "zhang" in english_name(name).lower())
        or ("勒" in name and "lei" in english_name(name).lower())
    }
    assert not misread


def test_search_pinyin_reads_places_the_same_way():
    assert pinyin_for("三都水族自治县") == "sdszzzx sandushuizuzizhixian"
    assert pinyin_for("长治市") == "czs changzhishi"
