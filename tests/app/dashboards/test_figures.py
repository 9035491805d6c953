"""How a chart names its rows: weeks short in the reader's language, sizes smallest first."""

from __future__ import annotations

from datetime import date

import pytest

from app import clock
from app.dashboards.figures import axis_label
from app.dashboards.rollups import recompute
from app.extensions import db
from app.models import CompanySize, ResumptionReport, Role
from tests import factories
from tests.web import as_user


@pytest.mark.parametrize(("language", "label"), [("en", "Oct 26"), ("zh", "10月26日")])
def test_a_week_is_named_by_its_first_day_short(app, language, label):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert axis_label(date(2026, 10, 26)) == label
        assert axis_label("Dazhi Subdistrict") == "Dazhi Subdistrict"


def test_enterprise_sizes_go_smallest_first_and_weeks_short(client):
    # Alphabetically they would go large, medium, micro, small.
    for size in (CompanySize.LARGE, CompanySize.SMALL, CompanySize.MICRO, CompanySize.MEDIUM):
        employer = factories.employer(region_code="420102001001", size=size)
        db.session.add(
            ResumptionReport(
                employer_id=employer.id,
                report_date=clock.today(),
                resumed=True,
                workers_back=5,
                workers_total=10,
            )
        )
    recompute(db.session)
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102", locale="en"))

    charts = {
        c["id"]: c for c in client.get("/officials/dashboards/resumption.json").json["charts"]
    }

    assert [row[0] for row in charts["res-size"]["rows"]] == [
        "Micro (under 10 people)",
        "Small (10–99)",
        "Medium (100–999)",
        "Large (1,000 or more)",
    ]
    assert charts["res-size"]["labels"] == [row[0] for row in charts["res-size"]["rows"]]
    weekly = charts["res-weekly"]
    week = date.fromisoformat(weekly["rows"][-1][0])  # the ISO date stays in the row
    assert weekly["labels"][-1] == f"{week:%b} {week.day}"
