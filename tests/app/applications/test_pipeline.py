"""The employer's pipeline: access, ranking, bulk moves with messages, notes, CSV export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.applications import service
from app.exports import cell
from app.extensions import db
from app.models import Application, ApplicationNote, Notification, Role, Stage, StageChange
from tests import factories
from tests.web import as_user, csrf_token, no_writes

from .helpers import world


def applicants(job, n=3, through_service=False):
    """Candidates with a strong, a middling and a poor fit for a Java job; THROUGH_SERVICE:
    they apply as the pages do (and their scores are kept), else the rows are just added."""
    profiles = [
        ('=HYPERLINK("http://evil")', ["Java", "Spring", "MySQL"], "Java developer"),
        ("王五", ["Java"], "Programmer"),
        ("赵六", ["烹饪"], "厨师"),
    ][:n]
    out = []
    for name, skills, headline in profiles:
        user = factories.user(Role.SEEKER, name=name, region_code="420102")
        resume = factories.resume(user, skills=skills, headline=headline, region_code="420102")
        if through_service:
            out.append(service.apply(user, job)[0])
        else:
            out.append(factories.application(user, job, resume_id=resume.id))
    db.session.commit()
    return out


def test_pipeline_is_for_the_jobs_employer_only(client):
    owner, _employer, job, candidate = world()
    (application,) = applicants(job, 1)
    other_owner = factories.user(Role.EMPLOYER)
    factories.employer(other_owner)
    db.session.commit()
    as_user(client, other_owner)
    assert client.get(f"/applications/jobs/{job.id}").status_code == 404
    assert client.get(f"/applications/review/{application.id}").status_code == 404
    assert client.get(f"/applications/jobs/{job.id}/export.csv").status_code == 404
    as_user(client, candidate)
    assert client.get(f"/applications/jobs/{job.id}").status_code == 403
    as_user(client, owner)
    assert client.get(f"/applications/jobs/{job.id}").status_code == 200


def test_applicants_are_ranked_with_reasons_and_scores_are_stored(client):
    owner, _employer, job, _candidate = world()
    strong, middling, poor = applicants(job, through_service=True)
    as_user(client, owner)
    page = client.get(f"/applications/jobs/{job.id}").get_data(as_text=True)
    positions = [page.index(f"/applications/review/{a.id}") for a in (strong, middling, poor)]
    assert positions == sorted(positions)
    for a in (strong, middling, poor):
        db.session.refresh(a)
    assert strong.match_score > middling.match_score > poor.match_score
    assert {r["code"] for r in strong.match_reasons} & {"skills_all", "skills_overlap"}
    filtered = client.get(f"/applications/jobs/{job.id}?skills=spring").get_data(as_text=True)
    assert (
        f"/applications/review/{strong.id}" in filtered
        and f"/applications/review/{middling.id}" not in filtered
    )
    high = client.get(
        f"/applications/jobs/{job.id}?min_score={round(middling.match_score * 100) + 1}"
    )
    assert f"/applications/review/{poor.id}" not in high.get_data(as_text=True)


def test_bulk_move_tells_candidates_with_the_message(client, worker):
    owner, _employer, job, _candidate = world()
    strong, middling, poor = applicants(job)
    as_user(client, owner)
    token = csrf_token(client, f"/applications/jobs/{job.id}")
    response = client.post(
        f"/applications/jobs/{job.id}/move",
        data={
            "csrf_token": token,
            "application_id": [str(middling.id), str(poor.id)],
            "stage": "rejected",
            "message": "感谢您的关注",
        },
    )
    assert response.status_code == 303
    for a in (strong, middling, poor):
        db.session.refresh(a)
    assert (strong.stage, middling.stage, poor.stage) == (Stage.NEW, Stage.REJECTED, Stage.REJECTED)
    assert middling.first_response_at is not None and strong.first_response_at is None
    change = db.session.scalar(select(StageChange).where(StageChange.application_id == poor.id))
    assert change.to_stage == Stage.REJECTED and change.message == "感谢您的关注"
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == poor.candidate_id)
    ).all()
    assert [n.kind for n in notes] == ["stage_changed_message"]
    assert notes[0].params["message"] == "感谢您的关注"
    assert worker() == 2  # one email per candidate
    # The candidate sees the message in the history of the application.
    as_user(client, db.session.get(factories.User, poor.candidate_id))
    assert "感谢您的关注" in client.get(f"/applications/{poor.id}").get_data(as_text=True)


def test_bulk_move_validates_input_and_ignores_other_jobs(client):
    owner, employer, job, _candidate = world()
    (application,) = applicants(job, 1)
    other_job = factories.job(employer, title="厨师")
    stranger = factories.application(factories.user(), other_job)
    db.session.commit()
    as_user(client, owner)
    token = csrf_token(client, f"/applications/jobs/{job.id}")
    url = f"/applications/jobs/{job.id}/move"
    assert client.post(url, data={"csrf_token": token, "stage": "interview"}).status_code == 422
    bad = client.post(
        url, data={"csrf_token": token, "application_id": str(application.id), "stage": "withdrawn"}
    )
    assert bad.status_code == 422
    client.post(
        url,
        data={
            "csrf_token": token,
            "application_id": [str(application.id), str(stranger.id)],
            "stage": "interview",
        },
    )
    db.session.refresh(stranger)
    db.session.refresh(application)
    assert stranger.stage == Stage.NEW and application.stage == Stage.INTERVIEW


def test_notes_are_private_to_the_employer(client):
    owner, _employer, job, _candidate = world()
    (application,) = applicants(job, 1)
    as_user(client, owner)
    token = csrf_token(client, f"/applications/review/{application.id}")
    url = f"/applications/review/{application.id}/notes"
    assert client.post(url, data={"csrf_token": token, "body": ""}).status_code == 422
    assert client.post(url, data={"csrf_token": token, "body": "面试表现好"}).status_code == 303
    assert db.session.scalar(select(ApplicationNote)).body == "面试表现好"
    assert "面试表现好" in client.get(f"/applications/review/{application.id}").get_data(
        as_text=True
    )
    as_user(client, db.session.get(factories.User, application.candidate_id))
    assert "面试表现好" not in client.get(f"/applications/{application.id}").get_data(as_text=True)


def test_csv_export_opens_in_excel_and_defuses_formulas(client):
    owner, _employer, job, _candidate = world()
    applicants(job)
    as_user(client, owner)
    response = client.get(f"/applications/jobs/{job.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    names = [row[0] for row in rows[1:]]
    assert names[0] == '\'=HYPERLINK("http://evil")'
    assert "王五" in names and "赵六" in names
    assert rows[1][5] == "13812345678"  # applicants' contacts are theirs to see


def test_viewing_the_pipeline_writes_nothing(client):
    owner, _employer, job, _candidate = world()
    strong, _middling, _poor = applicants(job)
    as_user(client, owner)
    with no_writes():
        page = client.get(f"/applications/jobs/{job.id}").get_data(as_text=True)
        review = client.get(f"/applications/review/{strong.id}").get_data(as_text=True)
        assert client.get(f"/applications/jobs/{job.id}/export.csv").status_code == 200
    assert f"/applications/review/{strong.id}" in page and "%" in review
    db.session.refresh(strong)
    assert strong.match_score is None  # scored for the page, not kept


def test_formula_guard():
    assert [cell(v) for v in ("=1+1", "+86", "-2", "@SUM", "\tx", "ok", None, 5)] == [
        "'=1+1",
        "'+86",
        "'-2",
        "'@SUM",
        "'\tx",
        "ok",
        "",
        "5",
    ]


def test_stage_of_a_withdrawn_application_cannot_be_changed(client):
    owner, _employer, job, _candidate = world()
    (application,) = applicants(job, 1)
    application.stage = Stage.WITHDRAWN
    db.session.commit()
    as_user(client, owner)
    token = csrf_token(client, f"/applications/review/{application.id}")
    response = client.post(
        f"/applications/review/{application.id}/stage", data={"csrf_token": token, "stage": "offer"}
    )
    assert response.status_code == 409
    db.session.refresh(application)
    assert db.session.get(Application, application.id).stage == Stage.WITHDRAWN
