"""Building the demo data set: employers and their jobs, seekers with résumés, applications
(with stage histories and interviews); then the officials' side (app.demo.programmes) and
what the demo accounts did through the services (app.demo.activity).

Every figure comes from one seeded ``random.Random`` and seeded Faker instances, and the
tables are filled in a fixed order, so two machines build the same data.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from importlib import resources

from faker import Faker
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import uploads
from app.demo import CITY, DISTRICT, PARTNER_REGION, PASSWORD, SEED, activity, programmes
from app.demo.catalog import COMPANY_SUFFIXES, ENGLISH_HEADLINES, OCCUPATIONS
from app.demo.texts import DemoTexts
from app.employers import credit_code
from app.extensions import db
from app.models import (
    Application,
    CompanySize,
    DocumentKind,
    EducationLevel,
    Employer,
    EmployerDocument,
    EmployerMember,
    EmploymentType,
    Industry,
    Interview,
    InterviewStatus,
    Job,
    JobStatus,
    MemberRole,
    Region,
    Resume,
    Role,
    Stage,
    StageChange,
    User,
    VerificationState,
    Visibility,
    utcnow,
)
from app.privacy.notice import NOTICE_VERSION
from app.security import hash_password

BEIJING = timedelta(hours=8)
"""Beijing's offset from UTC: the demo's people work 9:00-18:00 Beijing time; rows store UTC."""

STAGE_PATHS = [
    [Stage.NEW],
    [Stage.NEW, Stage.SCREENING],
    [Stage.NEW, Stage.SCREENING, Stage.INTERVIEW],
    [Stage.NEW, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER],
    [Stage.NEW, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED],
    [Stage.NEW, Stage.REJECTED],
    [Stage.NEW, Stage.SCREENING, Stage.REJECTED],
]


def build(now: datetime | None = None) -> None:
    """Add the demo rows to the session (the caller commits), as if built at NOW (UTC)."""
    DemoBuilder(random.Random(SEED), now).build()


def at_work_by(moment: datetime) -> datetime:
    """The latest moment no later than MOMENT (UTC) within Beijing working hours, 9:00 to
    17:59: MOMENT itself during them, else 17:59 of the last working day's evening."""
    local = moment + BEIJING
    if 9 <= local.hour < 18:
        return moment
    day = local.date() if local.hour >= 18 else local.date() - timedelta(days=1)
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=17, minutes=59) - BEIJING


class DemoBuilder:
    def __init__(self, rng: random.Random, now: datetime | None = None):
        self.rng = rng
        self.clock = random.Random(SEED)  # interview times, drawn apart from the rows
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(SEED)
        self.fake_en = Faker("en_US")
        self.fake_en.seed_instance(SEED)
        self.texts = DemoTexts(SEED)
        self.password_hash = hash_password(PASSWORD)
        self.now = now or utcnow()
        self.today = self.now.date()
        # No event is later than the last moment of Beijing working hours so far.
        self.latest = at_work_by(self.now)
        self.communities = db.session.scalars(
            select(Region.code)
            .where(Region.level == 5, Region.code.startswith(DISTRICT))
            .order_by(Region.code)
        ).all() or [DISTRICT]
        self.city_districts = db.session.scalars(
            select(Region.code)
            .where(Region.level == 3, Region.parent_code == CITY)
            .order_by(Region.code)
        ).all() or [DISTRICT]
        self.partner_counties = db.session.scalars(
            select(Region.code)
            .where(Region.level == 3, Region.parent_code == PARTNER_REGION)
            .order_by(Region.code)
        ).all() or [PARTNER_REGION]

    def days_ago(self, n: int) -> datetime:
        """A working-hours moment (Beijing time) N days ago; never later than the last working
        moment so far (built early in the morning, "today" is yesterday evening)."""
        return min(self.working_hours((self.now + BEIJING).date() - timedelta(days=n)), self.latest)

    def working_hours(self, day: date, rng: random.Random | None = None) -> datetime:
        """A moment between 9:00 and 17:59 Beijing time on DAY (a Beijing date), in UTC."""
        rng = rng or self.rng
        # Twelve hours drawn, as when they were UTC hours, so the seeded rows that follow
        # stay the same: spread over the nine working hours.
        hour = 9 + (rng.randint(8, 19) - 8) * 3 // 4
        moment = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=hour, minutes=rng.randint(0, 59)
        )
        return moment - BEIJING

    def past_interview(self, scheduled: datetime) -> datetime:
        """When an interview scheduled at SCHEDULED took place: working hours (Beijing time) on
        the next day, or the latest earlier day whose slot has passed."""
        day = (scheduled + BEIJING).date() + timedelta(days=1)
        starts = self.working_hours(day, self.clock)
        while starts > self.latest:
            day -= timedelta(days=1)
            starts = self.working_hours(day, self.clock)
        return starts

    def street_address(self) -> str:
        """A street address written in Chinese (Faker's zh_CN ones say "W座")."""
        return f"{self.fake.street_name()}{self.fake.random_int(1, 388)}号"

    def user(
        self, email: str, role: Role, name: str, region: str | None = None, locale: str = "zh"
    ) -> User:
        user = User(
            email=email,
            role=role,
            name=name,
            password_hash=self.password_hash,
            region_code=region,
            locale=locale,
            email_confirmed_at=self.days_ago(60),
            created_at=self.days_ago(60),
            phone=f"13{self.rng.randint(100000000, 999999999)}",
            privacy_notice_version=NOTICE_VERSION,  # the demo's people have accepted it
        )
        db.session.add(user)
        return user

    def build(self) -> None:
        self.user("official@yunpin.demo", Role.OFFICIAL, "江岸区人社局 王敏", DISTRICT)
        self.user("city@yunpin.demo", Role.OFFICIAL, "武汉市人社局 李强", CITY)
        self.user("partner@yunpin.demo", Role.OFFICIAL, "遵义市人社局 张华", PARTNER_REGION)
        self.user("admin@yunpin.demo", Role.ADMIN, "Yunpin Admin", locale="en")
        employers = self.employers()
        jobs = self.jobs(employers)
        seekers = self.seekers()
        self.applications(jobs, seekers)
        reporting = self.reporting_enterprises(len(employers))
        programmes.add_resumption_reports(self.rng, self.today, employers + reporting)
        programmes.add_programmes(self.today, employers, jobs)
        activity.add_activity(self.days_ago)

    def employers(self) -> list[Employer]:
        employers = []
        industries_by_section = {o[2] for o in OCCUPATIONS}
        for i in range(36):
            section = sorted(industries_by_section)[i % len(industries_by_section)]
            suffix = {
                "I": "科技有限公司",
                "G": "物流有限公司",
                "C": "制造有限公司",
                "H": "餐饮管理有限公司",
                "Q": "医疗服务有限公司",
                "P": "教育科技有限公司",
                "E": "建设工程有限公司",
            }.get(section, self.rng.choice(COMPANY_SUFFIXES))
            in_district = i < 28
            region = (
                self.rng.choice(self.communities)
                if in_district
                else self.rng.choice(self.city_districts)
            )
            state = VerificationState.APPROVED
            if i in (3, 11):
                state = VerificationState.SUBMITTED
            elif i == 19:
                state = VerificationState.DRAFT
            employer = Employer(
                name=f"武汉{self.fake.unique.company_prefix()}{suffix}",
                credit_code=credit_code.make(region[:6], 100_000 + i),
                industry=Industry(section),
                size=self.rng.choices(list(CompanySize), weights=[30, 40, 22, 8])[0],
                region_code=region,
                address=self.street_address(),
                description=f"{self.texts.employer()}\n\n- 五险一金\n- 带薪年假\n- 节日福利",
                legal_rep_name=self.fake.name(),
                verification_state=state,
                submitted_at=self.days_ago(40) if state != VerificationState.DRAFT else None,
                verified_at=self.days_ago(35) if state == VerificationState.APPROVED else None,
                created_at=self.days_ago(45),
            )
            db.session.add(employer)
            if i == 0:
                owner = self.user("employer@yunpin.demo", Role.EMPLOYER, self.fake.name(), region)
            elif i == 3:
                owner = self.user("pending@yunpin.demo", Role.EMPLOYER, self.fake.name(), region)
            else:
                owner = self.user(f"hr{i}@yunpin.demo", Role.EMPLOYER, self.fake.name(), region)
            db.session.add(EmployerMember(employer=employer, user=owner, role=MemberRole.OWNER))
            employers.append(employer)
        db.session.flush()
        for employer in (employers[0], employers[3]):  # the demo accounts' companies
            add_sample_documents(employer, employer.members[0].user)
        return employers

    def reporting_enterprises(self, first_serial: int) -> list[Employer]:
        """Enterprises that only file resumption reports (no account, no jobs): enough of them
        in every town of the district and every district of the city that the officials'
        rates by area, industry and size rest on more than one or two enterprises each."""
        places = self.communities + [d for d in self.city_districts if d != DISTRICT] * 4
        industries = [Industry(s) for s in ("C", "G", "H", "F", "E", "I", "Q", "P", "O", "K")]
        enterprises = []
        names = set()
        for n, region in enumerate(places):
            industry = industries[n % len(industries)]
            # Faker has fewer unique prefixes than we need: pair them with suffixes instead.
            name = ""
            while not name or name in names:
                name = f"武汉{self.fake.company_prefix()}{self.rng.choice(COMPANY_SUFFIXES)}"
            names.add(name)
            employer = Employer(
                name=name,
                credit_code=credit_code.make(region[:6], 100_000 + first_serial + n),
                industry=industry,
                size=self.rng.choices(list(CompanySize), weights=[35, 40, 18, 7])[0],
                region_code=region,
                address=self.street_address(),
                legal_rep_name=self.fake.name(),
                verification_state=VerificationState.APPROVED,
                submitted_at=self.days_ago(70),
                verified_at=self.days_ago(65),
                created_at=self.days_ago(75),
            )
            db.session.add(employer)
            enterprises.append(employer)
        db.session.flush()
        return enterprises

    def jobs(self, employers: list[Employer]) -> list[Job]:
        jobs = []
        for employer in employers:
            fitting = [o for o in OCCUPATIONS if o[2] == employer.industry.value] or OCCUPATIONS
            for n in range(self.rng.randint(2, 5)):
                title, category, _section, skills, (low, high), years, education = self.rng.choice(
                    fitting
                )
                published = employer.verified and n < 4
                posted = self.days_ago(self.rng.randint(0, 40))
                job = Job(
                    employer=employer,
                    title=title,
                    description=self.job_description(title, skills),
                    category=category,
                    skills=self.rng.sample(skills, k=min(len(skills), self.rng.randint(3, 5))),
                    salary_min=round(low * self.rng.uniform(0.9, 1.1), -2),
                    salary_max=round(high * self.rng.uniform(0.95, 1.15), -2),
                    employment_type=self.rng.choices(
                        list(EmploymentType), weights=[75, 8, 6, 6, 5]
                    )[0],
                    headcount=self.rng.choice([1, 1, 2, 3, 5, 10]),
                    region_code=employer.region_code,
                    remote=category.startswith("2-02-10") and self.rng.random() < 0.3,
                    status=JobStatus.PUBLISHED if published else JobStatus.DRAFT,
                    min_experience_years=years,
                    education_level=education,
                    deadline=self.today + timedelta(days=self.rng.randint(10, 60)),
                    created_at=posted,
                    published_at=posted if published else None,
                )
                db.session.add(job)
                jobs.append(job)
        db.session.flush()
        return jobs

    def job_description(self, title: str, skills: list[str]) -> str:
        return (
            "## 岗位职责\n\n" + "".join(f"- {duty}\n" for duty in self.texts.duties(title)) + "\n"
            f"## 任职要求\n\n- 熟悉{'、'.join(skills[:3])}\n- 有责任心，团队合作\n\n"
            "## 福利\n\n五险一金，包吃住可谈。疫情期间支持视频面试。"
        )

    def seekers(self) -> list[User]:
        seekers = []
        for i in range(80):
            english = i % 10 == 9
            title, _category, _s, skills, (low, high), years, education = self.rng.choice(
                OCCUPATIONS
            )
            from_partner = i % 5 == 4
            home = self.rng.choice(self.partner_counties if from_partner else self.city_districts)
            if i == 0:  # the demo seeker comes from the partner region, so sees its jobs
                home = self.partner_counties[0]
            email = "seeker@yunpin.demo" if i == 0 else f"seeker{i}@yunpin.demo"
            user = self.user(
                email,
                Role.SEEKER,
                self.fake_en.name() if english else self.fake.name(),
                home,
                "en" if english else "zh",
            )
            experience_years = max(0, years + self.rng.randint(-1, 4))
            chosen = self.rng.sample(skills, k=min(len(skills), self.rng.randint(2, 5)))
            headline = ENGLISH_HEADLINES.get(title, title) if english else title
            resume = Resume(
                user=user,
                headline=headline if english else f"{title} · {experience_years}年经验",
                summary=self.texts.resume_summary_en(headline, experience_years, chosen)
                if english
                else self.texts.resume_summary(title, experience_years, chosen),
                skills=chosen,
                experience=[
                    {
                        "title": title,
                        "company": self.fake.company(),
                        "description": self.texts.past_work(title, chosen),
                        "years": experience_years,
                    }
                ],
                education=[
                    {
                        "school": f"{self.fake.city_name()}职业技术学院",
                        "degree": education,
                        "major": "",
                    }
                ],
                education_level=EducationLevel(education),
                years_experience=experience_years,
                expected_salary_min=round(low, -2),
                expected_salary_max=round(high, -2),
                expected_region_codes=[CITY],
                region_code=home,
                willing_to_relocate=from_partner or self.rng.random() < 0.3,
                available_from=self.today + timedelta(days=self.rng.choice([0, 7, 14, 30])),
                contact_phone=user.phone,
                contact_email=user.email,
                visibility=self.rng.choices(list(Visibility), weights=[70, 20, 10])[0],
                is_default=True,
            )
            if resume.visibility == Visibility.PUBLIC:  # made public by saying yes to it
                user.resume_consent_at = self.days_ago(59)
            db.session.add(resume)
            seekers.append(user)
        db.session.flush()
        return seekers

    def applications(self, jobs: list[Job], seekers: list[User]) -> None:
        published = [j for j in jobs if j.status == JobStatus.PUBLISHED]
        resumes = {r.user_id: r for r in db.session.scalars(select(Resume))}
        for seeker in seekers:
            for job in self.rng.sample(published, k=self.rng.randint(1, 5)):
                path = self.rng.choices(STAGE_PATHS, weights=[30, 20, 15, 8, 7, 12, 8])[0]
                applied = max(job.published_at, self.days_ago(self.rng.randint(0, 30)))
                application = Application(
                    job=job,
                    candidate=seeker,
                    resume=resumes.get(seeker.id),
                    stage=path[-1],
                    created_at=applied,
                )
                db.session.add(application)
                db.session.flush()
                at = applied
                previous = None
                for stage in path:
                    db.session.add(
                        StageChange(
                            application_id=application.id,
                            from_stage=previous,
                            to_stage=stage,
                            created_at=at,
                        )
                    )
                    if previous == Stage.NEW:
                        application.first_response_at = at
                    if stage == Stage.INTERVIEW:  # a video interview, for the recruitment figures
                        starts = self.past_interview(at)
                        db.session.add(
                            Interview(
                                application_id=application.id,
                                status=InterviewStatus.COMPLETED,
                                starts_at=starts,
                                created_at=min(at, at_work_by(starts - timedelta(hours=2))),
                            )
                        )
                    previous = stage
                    # a path's later steps have happened too, in working hours: none after now
                    at = min(at + timedelta(days=self.rng.randint(1, 4)), self.latest)
        db.session.flush()


SAMPLE_DOCUMENTS = {
    DocumentKind.BUSINESS_LICENCE: ("business_licence.png", "营业执照（演示样本）.png"),
    DocumentKind.LEGAL_REP_ID: ("legal_rep_id.png", "法定代表人身份证（演示样本）.png"),
}
"""Drawn by tools/demo_documents.py and marked as samples on their face."""


def add_sample_documents(employer: Employer, owner: User) -> None:
    """EMPLOYER's licence and legal representative's ID, stored as an upload is."""
    folder = resources.files("app.demo").joinpath("documents")
    for kind, (source, filename) in SAMPLE_DOCUMENTS.items():
        upload = FileStorage(io.BytesIO(folder.joinpath(source).read_bytes()), filename=filename)
        stored = uploads.store(upload, uploads.DOCUMENT_TYPES)
        db.session.add(
            EmployerDocument.from_upload(
                stored, employer=employer, kind=kind, sha256=stored.sha256, uploaded_by_id=owner.id
            )
        )
