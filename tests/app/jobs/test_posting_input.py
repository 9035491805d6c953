"""What a posting's form and the API accept: a salary above the floor of its period, whole
numbers said as such, and text areas counted as the browser counts them (a line break is one
character, though the browser sends CRLF)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.service import create_api_token
from app.extensions import db
from app.jobs.service import salary_floor
from app.models import ApplicationNote, Job
from tests import factories
from tests.app.applications.helpers import world
from tests.web import as_user, post_form

from .test_postings import NEW, job_form

EN = {"Accept-Language": "en"}


def jobs_saved() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


@pytest.fixture
def owner(client):
    employer = factories.employer()
    user = employer.members[0].user
    as_user(client, user)
    return user


def test_the_floor_of_each_period():
    assert [salary_floor(p) for p in ("hour", "day", "month", "year")] == [3, 23, 500, 6000]


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"salary_min": "0", "salary_max": "0"}, "The monthly salary cannot be below ¥500."),
        ({"salary_min": "5", "salary_max": "8"}, "The monthly salary cannot be below ¥500."),
        (
            {"salary_min": "2", "salary_max": "30", "salary_period": "hour"},
            "The hourly wage cannot be below ¥3.",
        ),
        (
            {"salary_min": "3000", "salary_max": "5000", "salary_period": "year"},
            "The yearly salary cannot be below ¥6,000.",
        ),
    ],
)
def test_the_form_refuses_a_salary_below_the_floor(client, owner, fields, said):
    response = post_form(client, NEW, job_form(**fields), headers=EN)
    assert response.status_code == 422
    assert said in response.get_data(as_text=True)
    assert jobs_saved() == 0


def test_a_low_but_plausible_wage_passes(client, owner):
    form = job_form(salary_min="25", salary_max="40", salary_period="hour")
    assert post_form(client, NEW, form).status_code == 302
    assert db.session.scalar(select(Job.salary_min)) == 25


def test_a_decimal_is_answered_enter_a_whole_number(client, owner):
    response = post_form(client, NEW, job_form(salary_min="9000.75"), headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a whole number." in page
    assert "between" not in page  # not the range a missing number also fails
    assert jobs_saved() == 0


def test_the_api_refuses_the_same_salaries(client, owner):
    token = create_api_token(owner, "tests")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}", **EN}
    body = {
        "title": "仓库管理员",
        "salary_min": 0,
        "salary_max": 0,
        "employment_type": "full_time",
        "region_code": "420102",
    }
    refused = client.post("/api/v1/jobs", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "salary_min": ["The monthly salary cannot be below ¥500."]
    }
    decimal = client.post("/api/v1/jobs", json={**body, "salary_min": 9000.75}, headers=headers)
    assert decimal.status_code == 422
    assert decimal.get_json()["errors"]["salary_min"] == ["Expected a whole number."]
    created = client.post(
        "/api/v1/jobs", json={**body, "salary_min": 5000, "salary_max": 7000}, headers=headers
    )
    assert created.status_code == 201
    # A change of period alone is judged with the job's own amounts: ¥5,000 a year is too low.
    patched = client.patch(
        f"/api/v1/jobs/{created.get_json()['id']}", json={"salary_period": "year"}, headers=headers
    )
    assert patched.status_code == 422
    assert patched.get_json()["errors"] == {
        "salary_min": ["The yearly salary cannot be below ¥6,000."]
    }
    assert jobs_saved() == 1


def test_a_line_break_counts_once_as_in_the_browser(client, owner):
    text = "\n".join(["岗位职责" * 20] * 246)  # 246 lines of 80 characters: 19,925 in all
    lf_length = len(text)
    sent = text.replace("\n", "\r\n")
    assert lf_length <= 20_000 < len(sent)  # what the server used to count
    response = post_form(client, NEW, job_form(description=sent))
    assert response.status_code == 302
    stored = db.session.scalar(select(Job.description))
    assert "\r" not in stored and len(stored) == lf_length
    # A lone CR (old Mac) is a line break too; the screening questions still split on it.
    post_form(
        client,
        NEW,
        job_form(title="仓库管理员", description="a\rb", screening_questions="一？\r二？\r\n三？"),
    )
    job = db.session.scalar(select(Job).where(Job.title == "仓库管理员"))
    assert job.description == "a\nb" and job.screening_questions == ["一？", "二？", "三？"]


def test_a_line_break_counts_once_in_fields_read_without_wtforms(client):
    """The pipeline's message and the notes are read from request.form: the same rule."""
    owner, _employer, job, candidate = world()
    application = factories.application(candidate, job)
    db.session.commit()
    as_user(client, owner)
    note = ("备注" * 20 + "\r\n") * 120  # 4,920 characters with LF, 5,040 with CRLF
    response = post_form(
        client,
        f"/applications/review/{application.id}/notes",
        {"body": note},
        token_from=f"/applications/review/{application.id}",
    )
    assert response.status_code == 303
    saved = db.session.scalar(select(ApplicationNote.body))
    assert "\r" not in saved and len(saved) == len(note.strip().replace("\r\n", "\n"))
