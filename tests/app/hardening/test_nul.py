"""NUL in any part of a web request is refused once, for every route: 400 with a message,
and nothing stored (PostgreSQL cannot store it; JSON columns would keep it and the API
could not give it back)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Job, Resume, Role
from tests import factories
from tests.web import as_user, csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (role, method, path, form fields (a file made afresh by a function), page the CSRF token
# comes from)
CASES = [
    (None, "GET", "/regions/search?q=%00", None, None),
    (None, "GET", "/jobs/?region=4201%00", None, None),
    (None, "GET", "/regions/42%00", None, None),
    (None, "GET", "/api/v1/jobs?q=Java%00", None, None),
    (
        None,
        "POST",
        "/auth/register",
        {"name": "A\x00B", "email": "nul@example.com", "password": "correct horse 42"},
        "/auth/register",
    ),
    (Role.SEEKER, "POST", "/resumes/mine", {"headline": "QA\x00", "skills": "Python"}, None),
    (
        Role.SEEKER,
        "POST",
        "/resumes/upload",
        {"file": lambda: (io.BytesIO(PDF), "cv\x00.pdf")},
        "/resumes/upload",
    ),
    (
        Role.EMPLOYER,
        "POST",
        "/employers/mine/jobs/new",
        {
            "title": "QA\x00",
            "salary_min": "5000",
            "salary_max": "8000",
            "headcount": "1",
            "region_code": "420102",
            "employment_type": "full_time",
        },
        None,
    ),
    (
        Role.OFFICIAL,
        "POST",
        "/officials/cooperation/new",
        {"origin_code": "420102\x00", "destination_code": "520302"},
        None,
    ),
    (Role.ADMIN, "GET", "/admin/users?q=%00", None, None),
    (Role.ADMIN, "GET", "/admin/audit?action=%00", None, None),
]


def row_counts() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def stored_files() -> list[str]:
    folder = current_app.config["UPLOAD_FOLDER"]
    import os

    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def signed_in_as(client, role: Role | None):
    if role is None:
        return
    person = factories.user(role)
    if role == Role.EMPLOYER:
        factories.employer(person)
    as_user(client, person)


@pytest.mark.parametrize(("role", "method", "path", "data", "token_from"), CASES)
def test_nul_anywhere_in_a_request_is_refused_and_nothing_is_stored(
    client, role, method, path, data, token_from
):
    signed_in_as(client, role)
    if data is not None:
        fields = {name: value() if callable(value) else value for name, value in data.items()}
        data = {"csrf_token": csrf_token(client, token_from or path), **fields}
    before = row_counts(), stored_files()

    response = client.open(path, method=method, data=data)

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "NUL character" in response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
    assert (row_counts(), stored_files()) == before


def test_other_control_characters_pass(client):
    """Word's line break (U+000B) comes with pasted text: only NUL is refused."""
    assert client.get("/jobs/?q=Java%0Bdeveloper").status_code == 200


def test_list_fields_never_store_nul(client):
    """The résumé's and the job's list fields, through the pages and through the API."""
    from app.accounts.service import create_api_token

    seeker = factories.user(Role.SEEKER)
    resume = factories.resume(seeker, skills=["Java"])
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer, skills=["Go"], screening_questions=["Why us?"])
    bearer = {
        "seeker": {"Authorization": "Bearer " + create_api_token(seeker, "t")},
        "owner": {"Authorization": "Bearer " + create_api_token(owner, "t")},
    }
    db.session.commit()

    as_user(client, seeker)
    token = csrf_token(client, "/resumes/mine")
    for fields in (
        {"skills": "Python\x00, SQL"},
        {"certificates": "CET-6\x00"},
        {"education-0-school": "武汉大学\x00"},
        {"experience-0-title": "Tester\x00", "experience-0-company": "ACME"},
    ):
        sent = {"csrf_token": token, "headline": "QA", **fields}
        assert client.post("/resumes/mine", data=sent).status_code == 400
    for body in (
        {"headline": "QA", "skills": ["Python\x00"]},
        {"headline": "QA", "certificates": ["CET\x00"]},
        {"headline": "QA", "education": [{"school": "武大\x00"}]},
    ):
        refused = client.put("/api/v1/resume", json=body, headers=bearer["seeker"])
        assert refused.status_code == 422, refused.get_data(as_text=True)
        assert "NUL" in refused.get_data(as_text=True)

    as_user(client, owner)
    token = csrf_token(client, f"/employers/mine/jobs/{job.id}/edit")
    for fields in ({"skills": "Go\x00"}, {"screening_questions": "Why\x00 us?"}):
        sent = {"csrf_token": token, "title": "Go engineer", **fields}
        assert client.post(f"/employers/mine/jobs/{job.id}/edit", data=sent).status_code == 400
    for body in ({"skills": ["Go\x00"]}, {"screening_questions": ["Why\x00"]}):
        refused = client.patch(f"/api/v1/jobs/{job.id}", json=body, headers=bearer["owner"])
        assert refused.status_code == 422, refused.get_data(as_text=True)

    db.session.rollback()
    stored = db.session.get(Resume, resume.id)
    assert stored.skills == ["Java"] and not stored.certificates and not stored.education
    kept = db.session.get(Job, job.id)
    assert kept.skills == ["Go"] and kept.screening_questions == ["Why us?"]
