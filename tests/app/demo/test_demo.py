"""`yunpin demo` loads a reproducible data set once; running it again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import main
from app.demo import DEMO_ACCOUNTS, DISTRICT
from app.extensions import db
from app.models import (
    Application,
    AuditEntry,
    Employer,
    Job,
    JobStatus,
    Region,
    Role,
    User,
    VerificationReview,
    utcnow,
)


def test_demo_loads_once_and_is_idempotent(runner):
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    counts = first.output.strip()
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert second.output.strip() == counts

    # Every demo account exists with its role, and every page has something to show.
    for email, role, _who in DEMO_ACCOUNTS:
        assert db.session.scalar(select(User.role).where(User.email == email)) == role
    official = db.session.scalar(select(User).where(User.email == "official@yunpin.demo"))
    assert official.role == Role.OFFICIAL and official.region_code == DISTRICT
    assert (
        db.session.scalar(
            select(func.count()).select_from(Job).where(Job.status == JobStatus.PUBLISHED)
        )
        > 50
    )
    assert db.session.scalar(select(func.count()).select_from(Application)) > 100
    in_district = (
        select(func.count()).select_from(Employer).where(Employer.region_code.startswith(DISTRICT))
    )
    assert db.session.scalar(in_district) > 20
    # The audit log holds the district's approvals: the administrator's viewer has rows.
    approved = select(func.count()).select_from(VerificationReview)
    approvals = select(func.count()).where(AuditEntry.action == "employer.review_approved")
    assert db.session.scalar(approvals) == db.session.scalar(approved) > 0
    # Nothing happened in the future, whatever the hour the demo was loaded at.
    now = utcnow()
    assert db.session.scalar(select(func.max(Job.published_at))) <= now
    assert db.session.scalar(select(func.max(Application.created_at))) <= now
    # The district's townships and villages were loaded, down to level 5.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Region)
            .where(Region.code.startswith(DISTRICT), Region.level == 5)
        )
        > 10
    )


def test_demo_resumption_varies_by_area_industry_and_week(runner, app):
    """The officials' boards show real differences: not 100 % everywhere (issue #14)."""
    from app.dashboards.scope import Scope
    from app.dashboards.service import resumption
    from app.demo import CITY

    assert runner.invoke(main, ["demo"]).exit_code == 0
    with app.test_request_context():
        board = resumption(db.session, Scope(CITY, CITY), lambda kind, value: None)
        town_board = resumption(db.session, Scope(DISTRICT, DISTRICT), lambda kind, value: None)
    charts = {c.id: c for c in board["charts"]}
    rate = 3  # Resumption rate (%) in the by-group tables

    def rates(chart, column=rate):
        return [row[column] for row in chart.rows if row[column] is not None]

    districts = rates(charts["res-region"])
    towns = rates({c.id: c for c in town_board["charts"]}["res-region"])
    industries = rates(charts["res-industry"])
    for spread in (districts, towns, industries):
        assert len(spread) >= 5 and max(spread) - min(spread) >= 20, spread
    assert not all(r == 100 for r in districts + towns + industries)
    weekly = rates(charts["res-weekly"])
    assert len(weekly) == 9 and weekly[-1] - weekly[0] >= 30, weekly
    workers_back = rates(charts["res-region"], 6)
    assert 30 <= sum(workers_back) / len(workers_back) <= 95, workers_back
    # Rates are drawn on their own 0-100 % axis, counts stay in the table.
    assert charts["res-region"].axes[0].percent and charts["res-region"].axes[0].columns == [3, 6]


def test_demo_occupations_are_in_the_national_classification():
    """A code missing from CSCO has no name, and a page would show the code itself."""
    from app.demo.catalog import OCCUPATIONS
    from matching.occupations import occupations

    known = occupations()
    assert [o[1] for o in OCCUPATIONS if o[1] not in known] == []
