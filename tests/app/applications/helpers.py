"""Shared set-up for application tests: an employer with a job, candidates with résumés."""

from __future__ import annotations

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import csrf_token


def world(**job_fields):
    owner = factories.user(Role.EMPLOYER, name="招聘经理")
    employer = factories.employer(owner)
    job = factories.job(employer, **job_fields)
    candidate = factories.user(Role.SEEKER, name="李雷")
    factories.resume(candidate, contact_phone="13812345678", contact_email="lilei@example.com")
    db.session.commit()
    return owner, employer, job, candidate


def apply(client, job_id, **data):
    token = csrf_token(client, f"/jobs/{job_id}")
    return client.post(f"/applications/apply/{job_id}", data={"csrf_token": token, **data})
