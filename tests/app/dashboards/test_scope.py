"""An official of county A never sees county B's data, on any official route or export."""

from __future__ import annotations

import random

import pytest

from app.dashboards.rollups import recompute
from app.extensions import db
from app.models import Role
from tests import factories
from tests.app.dashboards.helpers import populate
from tests.web import login

ROUTES = [
    "/officials/",
    "/officials/dashboards/resumption",
    "/officials/dashboards/recruitment",
    "/officials/dashboards/cooperation",
    "/officials/dashboards/map",
    "/officials/dashboards/service",
    "/officials/dashboards/resumption.json",
    "/officials/dashboards/recruitment.json",
    "/officials/dashboards/map.json",
    "/officials/dashboards/recruitment/rec-region.csv",
    "/officials/dashboards/resumption/res-region.csv",
    "/officials/dashboards/resumption/enterprises",
    "/officials/dashboards/resumption/enterprises?format=csv",
    "/officials/fairs",
    "/officials/subsidies",
]


@pytest.fixture
def two_counties(app, client):
    populate(random.Random(7))
    secret = factories.employer(region_code="420103002", name="乙县秘密公司")
    job = factories.job(secret, title="乙县秘密岗位")
    factories.application(factories.user(Role.SEEKER, region_code="420103"), job)
    factories.user(Role.OFFICIAL, region_code="420102", email="a@example.com")
    recompute(db.session)
    db.session.commit()
    login(client, "a@example.com", factories.PASSWORD)
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_official_of_a_never_sees_b(two_counties, route):
    response = two_counties.get(route)
    assert response.status_code == 200, route
    body = response.get_data(as_text=True)
    for leak in ("乙县秘密", "江汉区", "民意街道", "420103"):
        assert leak not in body, (route, leak)


@pytest.mark.parametrize("route", [r for r in ROUTES if "?" not in r])
def test_drilling_outside_the_scope_is_not_found(two_counties, route):
    for outside in ("420103", "4201", "42", "52"):
        assert two_counties.get(f"{route}?region={outside}").status_code == 404, (route, outside)


@pytest.mark.parametrize("route", [r for r in ROUTES if "?" not in r])
def test_a_code_in_other_digits_is_not_found(two_counties, route):
    """Region codes are ASCII digits: str.isdigit() alone let Arabic-Indic, full-width and
    superscript digits through, and the page answered 200 with nothing in it."""
    for code in ("420102٠٠١", "420102００１", "420102001００１", "420102²²²"):
        assert two_counties.get(f"{route}?region={code}").status_code == 404, (route, code)


def test_drilling_inside_the_scope_works(two_counties):
    response = two_counties.get("/officials/dashboards/recruitment.json?region=420102001")
    assert response.status_code == 200 and response.json["region"] == "420102001"


def test_other_roles_are_refused(app, client):
    factories.user(Role.SEEKER, email="s@example.com")
    db.session.commit()
    login(client, "s@example.com", factories.PASSWORD)
    assert client.get("/officials/dashboards/recruitment").status_code == 403
