"""The JSON endpoints: search (name, pinyin, code, within), children, region, and bad input."""

from __future__ import annotations

import pytest


def test_region_with_ancestors(client):
    body = client.get("/regions/420102").get_json()
    assert body["name"] == "江岸区" and body["level"] == 3
    assert [a["code"] for a in body["ancestors"]] == ["42", "4201"]
    assert body["path_names"] == "湖北省 / 武汉市 / 江岸区"
    assert body["has_children"] is True


def test_municipality_path_hides_placeholder(client):
    body = client.get("/regions/110101").get_json()
    assert [a["name"] for a in body["ancestors"]] == ["北京市", "市辖区"]
    assert body["path_names"] == "北京市 / 东城区"


def test_children(client):
    provinces = client.get("/regions/children").get_json()
    assert len(provinces) == 31 and provinces[0]["code"] == "11"
    kids = client.get("/regions/420102/children").get_json()
    assert len(kids) == 17 and all(k["code"].startswith("420102") and k["level"] == 4 for k in kids)
    assert client.get("/regions/4201/children").get_json()[0]["code"] == "420102"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("武汉", "4201"),
        ("whs", "4201"),
        ("wuhan", "4201"),
        ("WuHan", "4201"),
        ("jaq", "420102"),
        ("4201", "4201"),
    ],
)
def test_search_finds(client, q, expected):
    results = client.get("/regions/search", query_string={"q": q}).get_json()
    assert expected in [r["code"] for r in results]
    assert len(results) <= 20


def test_search_result_shape_and_order(client):
    results = client.get("/regions/search", query_string={"q": "江岸"}).get_json()
    assert results[0] == {
        "code": "420102",
        "name": "江岸区",
        "level": 3,
        "path_names": "湖北省 / 武汉市 / 江岸区",
    }
    levels = [r["level"] for r in client.get("/regions/search", query_string={"q": "h"}).get_json()]
    assert levels == sorted(levels)


def test_search_within(client):
    inside = client.get("/regions/search", query_string={"q": "z", "within": "420102"}).get_json()
    assert inside and all(r["code"].startswith("420102") for r in inside)
    assert (
        client.get("/regions/search", query_string={"q": "武汉", "within": "11"}).get_json() == []
    )


def test_search_escapes_like_wildcards(client):
    assert client.get("/regions/search", query_string={"q": "%"}).get_json() == []
    assert client.get("/regions/search", query_string={"q": "_"}).get_json() == []


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/regions/search", 400),
        ("/regions/search?q=", 400),
        ("/regions/search?q=%20%20", 400),
        ("/regions/search?q=" + "a" * 41, 400),
        ("/regions/search?q=wh&within=abc", 400),
        ("/regions/search?q=wh&within=421", 400),
        ("/regions/search?q=wh&limit=x", 400),
        ("/regions/search?q=wh&limit=0", 400),
        ("/regions/search?q=wh&limit=500", 400),
        ("/regions/abc", 400),
        ("/regions/421", 400),
        ("/regions/4201020010011", 400),
        ("/regions/99", 404),
        ("/regions/abc/children", 400),
        ("/regions/99/children", 404),
        ("/regions/%E6%AD%A6%E6%B1%89", 400),
    ],
)
def test_bad_input_is_a_json_4xx(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json and response.get_json()["status"] == status


def test_picker_page_uses_only_local_scripts(client):
    page = client.get("/regions/?code=420102")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-region-picker" in html and "/static/js/region-picker.js" in html
    assert "http" not in html.split("<body", 1)[1].split("</body>")[0].replace("http-equiv", "")


def test_a_typed_name_resolves_to_its_region(app):
    from app.extensions import db
    from app.regions.queries import full_names, resolve

    assert resolve(db.session, "湖北省武汉市江岸区") == "420102"
    assert resolve(db.session, "湖北省 / 武汉市 / 江岸区 / 大智街道") == "420102001"
    assert resolve(db.session, "武汉市江汉区民意街道") == "420103002"
    assert resolve(db.session, "三德里社区") == "420102001001"  # a name only one place has
    assert resolve(db.session, "420103") == "420103"
    assert resolve(db.session, "火星") is None
    assert full_names(db.session, {"420102001001"}) == {
        "420102001001": "湖北省 武汉市 江岸区 大智街道 三德里社区"
    }


@pytest.mark.parametrize(
    ("q", "expected", "english"),
    [
        ("Haidian", "110108", "Haidian District"),
        ("haidian", "110108", "Haidian District"),
        ("Haidian District", "110108", "Haidian District"),
        ("Haidian District, Beijing", "110108", "Haidian District"),
        ("Beijing", "11", "Beijing"),
        ("Chengdu", "5101", "Chengdu"),
        ("Urumqi", "6501", "Urumqi"),
        ("wulumuqi", "6501", "Urumqi"),  # its pinyin finds it too
        ("Bayingolin Mongol", "6528", "Bayingolin Mongol Autonomous Prefecture"),
    ],
)
def test_an_english_name_finds_its_place(client, q, expected, english):
    results = client.get(
        "/regions/search", query_string={"q": q}, headers={"Accept-Language": "en"}
    ).get_json()
    assert {"code": expected, "name": english} in [
        {"code": r["code"], "name": r["name"]} for r in results
    ]


def test_a_place_typed_in_english_resolves_to_its_region(loaded_app):
    from app.extensions import db
    from app.regions.queries import resolve

    with loaded_app.app_context():
        assert resolve(db.session, "Haidian") == "110108"
        assert resolve(db.session, "haidian district") == "110108"
        assert resolve(db.session, "Beijing") == "11"
        assert resolve(db.session, "Sandu Shui Autonomous County") == "522732"
        assert resolve(db.session, "Jiang'an District, Wuhan") == "420102"
        assert resolve(db.session, "Chaoyang District, Beijing") == "110105"
        assert resolve(db.session, "Chaoyang District") is None  # Beijing's or Changchun's?
        assert resolve(db.session, "Heze High-tech Development Zone") == "371772"
        assert resolve(db.session, "Atlantis") is None
        assert resolve(db.session, "Urumqi") == "6501"
        assert resolve(db.session, "Wulumuqi") == "6501"
        assert resolve(db.session, "Urumqi County") == "650121"
        assert resolve(db.session, "Ili Kazakh Autonomous Prefecture") == "6540"
