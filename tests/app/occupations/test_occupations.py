"""The occupation tree by name: search, the path above an occupation, a typed name back to
its code, and bad input answered without a 500."""

from __future__ import annotations

from app.occupations import service


def test_search_finds_detailed_occupations_by_name_and_alias():
    names = [r["name"] for r in service.search("软件工程")]
    assert "计算机软件工程技术人员" in names
    assert service.search("") == []


def test_describe_walks_up_the_tree():
    found = service.describe("2-02-10-03")
    assert found["name"] == "计算机软件工程技术人员"
    assert [a["level"] for a in found["ancestors"]] == [1, 2, 3]
    assert found["path_names"].endswith(" / 计算机软件工程技术人员")


def test_resolve_takes_a_name_a_code_or_a_path():
    assert service.resolve("计算机软件工程技术人员") == "2-02-10-03"
    assert service.resolve("2-02-10-03") == "2-02-10-03"
    assert service.resolve("专业技术人员 / 计算机软件工程技术人员") == "2-02-10-03"
    assert service.resolve("宇航驾驶员之外的火星工") is None


def test_endpoints(client):
    assert client.get("/occupations/search?q=护士").status_code == 200
    assert client.get("/occupations/children").get_json()[0]["level"] == 1
    assert client.get("/occupations/9-99-99-99").status_code == 404
    assert client.get("/occupations/search?q=" + "x" * 41).status_code == 400


def test_a_code_missing_from_the_classification_is_named_by_its_group(app):
    from app.labels import occupation_label

    with app.test_request_context():
        assert occupation_label("2-02-10-03") == "计算机软件工程技术人员"
        assert occupation_label("4-01-02-02") == "销售人员"  # not in CSCO 2022: its group
        assert occupation_label("not-a-code") in ("其他职业", "Other occupation")


def test_an_english_picker_names_every_group_on_the_way_down(client):
    import re

    from app.occupations.english import english_name
    from matching.occupations import occupations

    han = re.compile(r"[\u4e00-\u9fff]")
    table = occupations()
    # the groups, and the occupations that sit right under a sub-major group beside them
    on_the_way = [
        o for o in table.values() if o.level <= 3 or table[service.parent_code(o.code)].level == 2
    ]
    unnamed = [o.code for o in on_the_way if not english_name(o.code, o.name)]
    assert unnamed == []
    assert not [o.code for o in on_the_way if han.search(english_name(o.code, o.name))]
    english = {"Accept-Language": "en"}
    groups = client.get("/occupations/2-02-00-00/children", headers=english).get_json()
    assert "Mechanical engineers" in [g["name"] for g in groups]
    assert not [g["name"] for g in groups if han.search(g["name"])]
