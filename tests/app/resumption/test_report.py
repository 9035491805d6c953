"""The employer's daily resumption report, and the enterprises list behind the figures."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from babel.dates import format_date

from app import clock
from app.extensions import db
from app.models import ResumptionReport, Role
from tests import factories
from tests.web import as_user, post_form

PAGE = "/employers/mine/resumption"


def reports() -> list[ResumptionReport]:
    db.session.expire_all()
    return db.session.scalars(sa.select(ResumptionReport)).all()


def test_one_report_a_day_and_the_resumption_date_follows_the_answer(client):
    owner = factories.user(Role.EMPLOYER)
    factories.employer(owner)
    as_user(client, owner)

    response = post_form(client, PAGE, {"resumed": "y", "workers_back": "3", "workers_total": "8"})
    assert response.status_code == 302
    [report] = reports()
    assert report.report_date == clock.today() and report.resumed_on == clock.today()
    history = client.get(PAGE).get_data(as_text=True)
    assert format_date(clock.today(), "medium", locale="en") in history  # "Dec 2, 2026"
    assert f'"row">{clock.today().isoformat()}' not in history  # (the date field keeps ISO)

    # Sending again replaces today's report; not resumed means no resumption date.
    post_form(client, PAGE, {"workers_back": "0", "workers_total": "8"})
    [report] = reports()
    assert report.resumed is False and report.resumed_on is None

    refused = post_form(client, PAGE, {"resumed": "y", "workers_back": "9", "workers_total": "8"})
    assert refused.status_code == 422
    assert reports()[0].workers_back == 0


def test_enterprises_show_their_latest_report(client):
    official = factories.user(Role.OFFICIAL, region_code="420102")
    employer = factories.employer(name="复工公司")
    for days_ago, back in ((7, 2), (0, 6)):
        db.session.add(
            ResumptionReport(
                employer_id=employer.id,
                report_date=clock.today() - timedelta(days=days_ago),
                resumed=True,
                workers_back=back,
                workers_total=8,
            )
        )
    as_user(client, official)
    csv = client.get("/officials/dashboards/resumption/enterprises?format=csv").get_data(
        as_text=True
    )
    rows = [line.split(",") for line in csv.strip().splitlines()[1:]]
    assert [(row[0], row[2], row[4]) for row in rows] == [
        ("复工公司", clock.today().isoformat(), "6")
    ]
    page = client.get("/officials/dashboards/resumption/enterprises").get_data(as_text=True)
    assert "<td>—</td>" in page  # no obstacles reported: a dash, not an empty cell


def reported(name: str) -> None:
    """An enterprise of 江岸区 called NAME that reported today, half its workers back."""
    employer = factories.employer(name=name)
    db.session.add(
        ResumptionReport(
            employer_id=employer.id,
            report_date=clock.today(),
            resumed=True,
            workers_back=1,
            workers_total=2,
        )
    )


def test_enterprises_come_in_pages_and_the_csv_has_them_all(client, monkeypatch):
    from app.resumption import routes

    monkeypatch.setattr(routes, "ENTERPRISES_PER_PAGE", 2)
    official = factories.user(Role.OFFICIAL, region_code="420102")
    for name in ("甲公司", "乙公司", "丙公司"):
        reported(name)
    as_user(client, official)
    path = "/officials/dashboards/resumption/enterprises"
    first = client.get(path).get_data(as_text=True)
    assert first.count('scope="row"') == 2 and "page=2" in first
    second = client.get(f"{path}?page=2").get_data(as_text=True)
    assert second.count('scope="row"') == 1 and "page=1" in second and "page=3" not in second
    assert client.get(f"{path}?page=0").status_code == 400
    assert len(client.get(f"{path}?page=2&format=csv").get_data(as_text=True).splitlines()) == 4


def test_the_csv_lists_every_enterprise_past_any_page_size(client):
    """A district has tens of thousands: the CSV once stopped at 500."""
    official = factories.user(Role.OFFICIAL, region_code="420102")
    for n in range(501):
        reported(f"企业{n:04d}")
    as_user(client, official)
    csv = client.get("/officials/dashboards/resumption/enterprises?format=csv").text
    assert len(csv.splitlines()) == 502 and "企业0500" in csv
