"""The officials' side of the demo: resumption reports, a labor-cooperation agreement with
the partner region, the district's job fair, subsidy policies, and the document reviews."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.demo import DISTRICT, PARTNER_REGION
from app.demo.catalog import OBSTACLES
from app.extensions import db
from app.models import (
    AgreementStatus,
    Application,
    AuditEntry,
    CooperationAgreement,
    Employer,
    FairEmployer,
    FairJob,
    Job,
    JobFair,
    JobStatus,
    ResumptionReport,
    ReviewDecision,
    Source,
    SubsidyPolicy,
    SubsidyRule,
    User,
    VerificationReview,
)

# How far each industry has come back, as the share of its enterprises resumed by now and the
# share of their workers back at most: offices and clinics came back first, restaurants,
# schools and building sites last. Sections not listed resume like the average.
INDUSTRY_PACE = {
    "I": (0.95, 0.97),
    "Q": (0.97, 0.95),
    "G": (0.85, 0.9),
    "F": (0.8, 0.85),
    "C": (0.75, 0.88),
    "P": (0.6, 0.75),
    "E": (0.55, 0.8),
    "H": (0.5, 0.65),
}
AVERAGE_PACE = (0.75, 0.85)
WEEKS = 9
HEADCOUNT = {"micro": (3, 9), "small": (12, 90), "medium": (120, 450), "large": (600, 2500)}


def area_factor(code: str) -> float:
    """A fixed factor per town (or district, for enterprises placed there): some areas were
    hit harder or reopened later. Seeded by the code, so it does not depend on build order."""
    return random.Random(f"resumption-{code[:9]}").uniform(0.7, 1.08)


def add_resumption_reports(rng: random.Random, today: date, employers: list[Employer]) -> None:
    """Nine weekly reports per employer. Whether and when it resumed depends on its industry
    and its area; its workers come back over the weeks after that, up to the industry's cap."""
    for employer in employers:
        share, cap = INDUSTRY_PACE.get(employer.industry.value, AVERAGE_PACE)
        low, high = HEADCOUNT[employer.size.value]
        total = rng.randint(low, high)
        resumed_on = None
        if rng.random() < min(0.98, share * area_factor(employer.region_code)):
            # More reopened in recent weeks than early on (a few before the first report):
            # the weekly rate climbs.
            resumed_on = today - timedelta(days=round(rng.triangular(0, 7 * (WEEKS + 1), 10)))
        first_share = rng.uniform(0.2, 0.5)
        weekly_gain = rng.uniform(0.04, 0.14)
        employer_cap = cap * rng.uniform(0.85, 1.0)
        for weeks_ago in range(WEEKS - 1, -1, -1):
            day = today - timedelta(weeks=weeks_ago)
            resumed = resumed_on is not None and day >= resumed_on
            back = 0
            if resumed:
                weeks_open = (day - resumed_on).days / 7
                back = round(total * min(employer_cap, first_share + weekly_gain * weeks_open))
            db.session.add(
                ResumptionReport(
                    employer_id=employer.id,
                    report_date=day,
                    resumed=resumed,
                    resumed_on=resumed_on if resumed else None,
                    workers_back=min(back, total),
                    workers_total=total,
                    obstacles=rng.choice(OBSTACLES),
                )
            )


def add_programmes(today: date, employers: list[Employer], jobs: list[Job]) -> None:
    """The district's labor-cooperation agreement, job fair (with its employers, jobs and the
    applications that came from it), two subsidy policies, and the document reviews."""
    official = db.session.scalar(select(User).where(User.email == "official@yunpin.demo"))
    partner = db.session.scalar(select(User).where(User.email == "partner@yunpin.demo"))
    agreed = datetime.combine(today - timedelta(days=62), time(2))
    db.session.add_all(
        [
            CooperationAgreement(
                origin_code=PARTNER_REGION,
                destination_code=DISTRICT,
                sectors=["C", "G", "E"],
                workers_target=500,
                starts_on=today - timedelta(days=60),
                ends_on=today + timedelta(days=120),
                created_by_id=official.id,
                created_at=agreed - timedelta(days=2),
                answered_by_id=partner.id,
                answered_at=agreed,
            ),
            # The partner's next proposal, for the district's officials to answer.
            CooperationAgreement(
                origin_code=PARTNER_REGION,
                destination_code=DISTRICT,
                sectors=["H", "O"],
                workers_target=200,
                starts_on=today + timedelta(days=14),
                ends_on=today + timedelta(days=194),
                status=AgreementStatus.PROPOSED,
                awaiting_code=DISTRICT,
                created_by_id=partner.id,
            ),
        ]
    )
    fair = JobFair(
        title="江岸区春风行动网络招聘会",
        theme="“云招聘”稳就业：线上投递、视频面试、不见面招聘",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
        region_code=DISTRICT,
        sectors=["C", "G", "I", "Q"],
        created_by_id=official.id,
    )
    db.session.add(fair)
    db.session.flush()
    for rule, name, amount, cap in [
        (SubsidyRule.SMALL_ENTERPRISE_RESUMED_BY, "小微企业复工复产补贴", 5000, 5000),
        (SubsidyRule.PER_HIRE_FROM_PARTNER_REGION, "吸纳协作地区劳动力就业补贴", 1000, 20000),
    ]:
        db.session.add(
            SubsidyPolicy(
                name=name,
                rule=rule,
                amount=amount,
                per_employer_cap=cap,
                budget=500_000,
                region_code=DISTRICT,
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=60),
                resumed_by=today,
                created_by_id=official.id,
            )
        )
    for employer in [e for e in employers if e.verified][:15]:
        db.session.add(FairEmployer(fair_id=fair.id, employer_id=employer.id))
        for job in [
            j for j in jobs if j.employer_id == employer.id and j.status == JobStatus.PUBLISHED
        ]:
            db.session.add(FairJob(fair_id=fair.id, job_id=job.id))
    # Every verified company was approved by the district (document-review turnaround), and
    # the audit log says so, as app.employers.review would have written it.
    reviews = [
        VerificationReview(
            employer_id=employer.id,
            official_id=official.id,
            decision=ReviewDecision.APPROVED,
            created_at=employer.verified_at,
        )
        for employer in employers
        if employer.verified
    ]
    db.session.add_all(reviews)
    db.session.flush()
    for review in reviews:
        db.session.add(
            AuditEntry(
                actor_id=official.id,
                action=f"employer.review_{ReviewDecision.APPROVED.value}",
                object_type=Employer.__tablename__,
                object_id=str(review.employer_id),
                data={"review_id": review.id, "reasons": "", "fast_track": False},
                created_at=review.created_at,
            )
        )
    # Applications sent to fair jobs while the fair ran came from the fair (its statistics).
    start = datetime.combine(fair.starts_on, datetime.min.time())
    fair_jobs = select(FairJob.job_id).where(FairJob.fair_id == fair.id)
    for application in db.session.scalars(
        select(Application).where(Application.job_id.in_(fair_jobs))
    ):
        if application.created_at >= start:
            application.source, application.fair_id = Source.FAIR, fair.id
