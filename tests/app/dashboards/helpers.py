"""Data for the officials' tests: two counties with employers, jobs, applications, reports."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app import clock
from app.extensions import db
from app.models import (
    CompanySize,
    Industry,
    ResumptionReport,
    Role,
    Stage,
)
from tests import factories

COUNTY_A, COUNTY_B = "420102", "420103"
LEAVES = ["420102001001", "420102001", "420102", "420103002", "420103", "520302"]


def populate(rng: random.Random, employers: int = 12, seekers: int = 15) -> dict:
    """Random employers, jobs, applications and reports across the fixed region tree."""
    today = clock.today()
    made = []
    for i in range(employers):
        region = rng.choice(LEAVES)
        employer = factories.employer(
            region_code=region,
            name=f"{'甲乙丙丁'[i % 4]}公司{i}",
            industry=rng.choice(list(Industry)[:5]),
            size=rng.choice(list(CompanySize)),
            submitted_at=datetime(2026, 1, 1),
        )
        jobs = [factories.job(employer) for _ in range(rng.randint(1, 3))]
        for job in jobs:
            job.published_at = datetime.combine(
                today - timedelta(days=rng.randint(0, 40)), datetime.min.time()
            )
        for weeks in range(rng.randint(0, 4)):
            total = rng.randint(1, 50)
            db.session.add(
                ResumptionReport(
                    employer_id=employer.id,
                    report_date=today - timedelta(days=7 * weeks + rng.randint(0, 2)),
                    resumed=rng.random() < 0.6,
                    workers_back=rng.randint(0, total),
                    workers_total=total,
                )
            )
        made.append((employer, jobs))
    candidates = [
        factories.user(Role.SEEKER, region_code=rng.choice(LEAVES)) for _ in range(seekers)
    ]
    for candidate in candidates:
        for _employer, jobs in rng.sample(made, k=min(3, len(made))):
            job = rng.choice(jobs)
            created = datetime.now() - timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
            responded = (
                created + timedelta(hours=rng.randint(1, 100)) if rng.random() < 0.7 else None
            )
            factories.application(
                candidate,
                job,
                created_at=created,
                first_response_at=responded,
                stage=rng.choice([Stage.NEW, Stage.INTERVIEW, Stage.HIRED]),
            )
    factories.agreement("52", COUNTY_A, days=60, workers_target=10)
    db.session.flush()
    return {"employers": made, "candidates": candidates}
