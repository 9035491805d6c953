"""Rollups equal the counts taken straight from the raw tables, at every level."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.dashboards import service as dashboards
from app.dashboards.rollups import recompute
from app.dashboards.scope import Scope
from app.extensions import db
from app.models import (
    Application,
    Employer,
    Interview,
    Job,
    ResumptionReport,
    ReviewDecision,
    Role,
    RollupCount,
    Stage,
    User,
    VerificationReview,
    in_subtree,
)
from tests import factories
from tests.app.dashboards.helpers import populate


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_direct_counts(app, seed):
    populate(random.Random(seed))
    recompute(db.session)
    db.session.commit()
    for focus in ["", "42", "4201", "420102", "420102001", "420102001001", "420103", "52"]:
        scope = Scope("", focus)

        def rolled(metric, scope=scope):
            return db.session.scalar(
                scope.rollup_rows([metric]).with_only_columns(
                    sa.func.coalesce(sa.func.sum(RollupCount.value), 0)
                )
            )

        direct_apps = db.session.scalar(scope.applications().with_only_columns(sa.func.count()))
        direct_hires = db.session.scalar(
            scope.applications()
            .where(Application.stage == Stage.HIRED)
            .with_only_columns(sa.func.count())
        )
        direct_jobs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Job)
            .where(
                Job.published_at.is_not(None),
                *([in_subtree(Job.region_code, focus)] if focus else []),
            )
        )
        assert rolled("applications") == direct_apps, focus
        assert rolled("hires") == direct_hires, focus
        assert rolled("jobs_posted") == direct_jobs, focus


@pytest.mark.parametrize("seed", [3, 4])
def test_dashboard_figures_equal_direct_counts(app, seed):
    """What the boards sum from the rollups in SQL equals the raw rows, for every focus."""
    populate(random.Random(seed))
    recompute(db.session)
    db.session.commit()
    apps = db.session.execute(
        sa.select(Application, Job.region_code, User.region_code)
        .join(Job, Application.job_id == Job.id)
        .join(User, Application.candidate_id == User.id)
    ).all()
    reports = db.session.execute(
        sa.select(ResumptionReport, Employer.region_code).join(Employer)
    ).all()
    with app.test_request_context(method="POST"):  # the charts' titles are translated
        for focus in ["42", "4201", "420102", "420102001", "420102001001", "420103", "52"]:
            check_boards(Scope("", focus), apps, reports)


def check_boards(scope: Scope, apps, reports) -> None:
    focus = scope.focus
    mine = [
        (a, job_region, seeker_region)
        for a, job_region, seeker_region in apps
        if job_region.startswith(focus)
    ]
    hires = sum(a.stage == Stage.HIRED for a, _j, _s in mine)

    rec = dashboards.recruitment(db.session, scope, lambda code: None)
    assert (rec["summary"]["applications"], rec["summary"]["hires"]) == (len(mine), hires), focus
    for chart in rec["charts"]:
        assert sum(row[2] for row in chart.rows) == len(mine), (focus, chart.id)
        assert sum(row[4] for row in chart.rows) == hires, (focus, chart.id)

    svc = dashboards.service(db.session, scope)["summary"]
    responded = sum(a.first_response_at is not None for a, _j, _s in mine)
    assert (svc["applications"], svc["responded"]) == (len(mine), responded), focus

    # Each enterprise counts with its latest report of the latest week.
    latest: dict[tuple[int, object], ResumptionReport] = {}
    for report, region in reports:
        if region.startswith(focus):
            week = report.report_date - timedelta(days=report.report_date.weekday())
            kept = latest.get((report.employer_id, week))
            if kept is None or kept.report_date < report.report_date:
                latest[(report.employer_id, week)] = report
    res = dashboards.resumption(db.session, scope, lambda kind, value: None)["summary"]
    week = max((w for _e, w in latest), default=None)
    in_week = [r for (_e, w), r in latest.items() if w == week]
    assert res["week"] == week, focus
    assert (res["reported"], res["resumed"]) == (len(in_week), sum(r.resumed for r in in_week)), (
        focus
    )
    assert (res["back"], res["total"]) == (
        sum(r.workers_back for r in in_week),
        sum(r.workers_total for r in in_week),
    ), focus

    # The agreement (遵义/贵州 → 420102) is seen from either end, with the same flows.
    coop = dashboards.cooperation(db.session, scope)
    if focus in ("42", "4201", "420102", "52"):
        flows = [(a, s) for a, j, s in apps if j.startswith("420102") and s and s.startswith("52")]
        (summary,) = coop["agreements"]
        assert summary["applications"] == len(flows), focus
        assert summary["hires"] == sum(a.stage == Stage.HIRED for a, _s in flows), focus
        assert sum(row[2] for row in coop["charts"][0].rows) == len(flows), focus
    else:
        assert coop["agreements"] == [], focus


def test_weeks_are_beijing_weeks(app):
    """Everything stamped at Monday 00:30 in Beijing (Sunday 16:30 UTC) counts in the week that
    Monday begins, in every weekly metric; at Sunday 23:30 in Beijing (15:30 UTC) it counts in
    the week before. On both databases."""
    monday = date(2026, 3, 2)
    monday_night = datetime(2026, 3, 1, 16, 30)  # naive UTC, as stored
    sunday_night = datetime(2026, 3, 1, 15, 30)
    factories.agreement("52", "420102", starts_on=monday - timedelta(days=14), ends_on=monday)
    for stamp in (monday_night, sunday_night):
        employer = factories.employer(region_code="420102001001", submitted_at=stamp)
        db.session.add(
            VerificationReview(
                employer_id=employer.id,
                decision=ReviewDecision.APPROVED,
                created_at=stamp + timedelta(hours=3),
            )
        )
        job = factories.job(employer)
        job.published_at = stamp
        candidate = factories.user(Role.SEEKER, region_code="520302")
        application = factories.application(
            candidate,
            job,
            created_at=stamp,
            first_response_at=stamp + timedelta(hours=2),
            stage=Stage.HIRED,
        )
        db.session.add(Interview(application_id=application.id, created_at=stamp))
    db.session.add(
        ResumptionReport(
            employer_id=employer.id,
            report_date=monday,
            resumed=True,
            workers_back=3,
            workers_total=4,
        )
    )
    db.session.commit()

    written = recompute(db.session)
    db.session.commit()

    weeks = {
        (metric, str(period), value)
        for metric, period, value in db.session.execute(
            sa.select(RollupCount.metric, RollupCount.period, sa.func.sum(RollupCount.value))
            .where(RollupCount.level == 6)  # the county, 420102
            .group_by(RollupCount.metric, RollupCount.period)
        )
    }
    timed = ["jobs_posted", "applications", "hires", "responded", "interviews"]
    timed += ["resp_hours", "review_hours", "coop_apps", "coop_hires"]
    assert {m for m, _p, _v in weeks} == set(written), "a metric without a row at county level"
    expected = {(metric, week, 1) for metric in timed for week in ("2026-03-02", "2026-02-23")}
    expected |= {("res_reported", "2026-03-02", 1), ("res_resumed", "2026-03-02", 1)}
    expected |= {("res_back", "2026-03-02", 3), ("res_total", "2026-03-02", 4)}
    assert weeks == expected
