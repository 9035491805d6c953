"""`yunpin demo` loads a reproducible data set once; running it again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import main
from app.demo import DEMO_ACCOUNTS, DISTRICT
from app.extensions import db
from app.models import Application, Employer, Job, JobStatus, Region, Role, User


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
    # The district's townships and villages were loaded, down to level 5.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Region)
            .where(Region.code.startswith(DISTRICT), Region.level == 5)
        )
        > 10
    )
