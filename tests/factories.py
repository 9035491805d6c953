"""Building test data: users of each role, employers, jobs, résumés, applications."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from app import clock
from app.employers import credit_code
from app.extensions import db
from app.models import (
    Application,
    CompanySize,
    CooperationAgreement,
    Employer,
    EmployerMember,
    EmploymentType,
    Industry,
    Job,
    JobStatus,
    MemberRole,
    Resume,
    Role,
    User,
    VerificationState,
)
from app.privacy.notice import NOTICE_VERSION
from app.security import hash_password

PASSWORD = "correct horse 42"
_serial = itertools.count(1)
_password_hash = None


def password_hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def user(role: Role = Role.SEEKER, region_code: str | None = None, **fields) -> User:
    n = next(_serial)
    if role == Role.OFFICIAL and region_code is None:
        region_code = "420102"
    item = User(
        email=fields.pop("email", f"user{n}@example.com"),
        name=fields.pop("name", f"User {n}"),
        password_hash=password_hash(),
        role=role,
        region_code=region_code,
        email_confirmed_at=datetime(2026, 1, 1),
        privacy_notice_version=fields.pop("privacy_notice_version", NOTICE_VERSION),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def employer(
    owner: User | None = None, region_code: str = "420102001001", verified: bool = True, **fields
) -> Employer:
    n = next(_serial)
    item = Employer(
        name=fields.pop("name", f"测试公司{n}"),
        credit_code=credit_code.make(region_code[:6], n),
        industry=fields.pop("industry", Industry.IT_SOFTWARE),
        size=fields.pop("size", CompanySize.SMALL),
        region_code=region_code,
        verification_state=VerificationState.APPROVED if verified else VerificationState.DRAFT,
        **fields,
    )
    db.session.add(item)
    owner = owner or user(Role.EMPLOYER)
    db.session.add(EmployerMember(employer=item, user_id=owner.id, role=MemberRole.OWNER))
    db.session.flush()
    return item


def job(of: Employer, status: JobStatus = JobStatus.PUBLISHED, **fields) -> Job:
    item = Job(
        employer=of,
        title=fields.pop("title", "Java开发工程师"),
        description=fields.pop("description", "负责后端开发"),
        skills=fields.pop("skills", ["Java", "Spring", "MySQL"]),
        salary_min=fields.pop("salary_min", 10000),
        salary_max=fields.pop("salary_max", 20000),
        employment_type=fields.pop("employment_type", EmploymentType.FULL_TIME),
        region_code=fields.pop("region_code", of.region_code),
        status=status,
        published_at=datetime(2026, 11, 1) if status == JobStatus.PUBLISHED else None,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def resume(owner: User, **fields) -> Resume:
    item = Resume(
        user_id=owner.id,
        headline=fields.pop("headline", "Java developer"),
        skills=fields.pop("skills", ["Java", "Spring"]),
        contact_phone=fields.pop("contact_phone", "13812345678"),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def application(candidate: User, of: Job, **fields) -> Application:
    item = Application(candidate_id=candidate.id, job_id=of.id, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def agreement(origin: str, destination: str, days: int = 30, **fields) -> CooperationAgreement:
    """A labor-cooperation agreement from ORIGIN to DESTINATION, in force DAYS either side of
    today unless its dates are given."""
    today = clock.today()
    item = CooperationAgreement(
        origin_code=origin,
        destination_code=destination,
        starts_on=fields.pop("starts_on", today - timedelta(days=days)),
        ends_on=fields.pop("ends_on", today + timedelta(days=days)),
        **fields,
    )
    db.session.add(item)
    return item
