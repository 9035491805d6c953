"""A seeker with a résumé, employers with jobs, and a cooperation link between two regions."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Role
from tests import factories


def seeker(locale: str = "zh", **resume_fields):
    person = factories.user(Role.SEEKER, locale=locale)
    fields = {"skills": ["Java", "Spring", "MySQL"], "region_code": "420102", **resume_fields}
    resume = factories.resume(person, **fields)
    db.session.commit()
    return person, resume


def employer_with_job(**job_fields):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer, **job_fields)
    db.session.commit()
    return owner, employer, job


def cooperation(origin: str = "52", destination: str = "4201") -> None:
    factories.agreement(origin, destination, starts_on=date(2020, 1, 1), ends_on=date(2099, 1, 1))
    db.session.commit()
