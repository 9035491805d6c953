"""One-click apply (idempotent, also under concurrent requests), status, withdraw, masking."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Notification, Stage, StageChange
from tests import factories
from tests.web import as_user, csrf_token, login

from .helpers import apply, world


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_one_click_apply_is_idempotent_and_notifies_the_employer(client, worker):
    owner, _employer, job, candidate = world()
    as_user(client, candidate)
    assert 'action="/applications/apply/' in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    first = apply(client, job.id)
    again = apply(client, job.id)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Application) == 1
    application = db.session.scalar(select(Application))
    assert application.stage == Stage.NEW and application.resume_id is not None
    assert [c.to_stage for c in db.session.scalars(select(StageChange))] == [Stage.NEW]
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert note.kind == "application_received" and note.params["candidate"] == "李雷"
    assert worker() == 1  # the employer's email
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Withdraw" in page or "撤回" in page


def test_screening_questions_are_asked_first(client):
    _owner, _employer, job, candidate = world(screening_questions=["有焊工证吗？", "何时到岗？"])
    as_user(client, candidate)
    form = apply(client, job.id)
    assert form.status_code == 200 and "有焊工证吗？" in form.get_data(as_text=True)
    missing = apply(client, job.id, answer=["有", ""])
    assert missing.status_code == 422 and count(Application) == 0
    done = apply(client, job.id, answer=["有", "下周"])
    assert done.status_code == 303
    assert db.session.scalar(select(Application)).answers == ["有", "下周"]


def test_apply_without_a_resume_is_refused_with_a_message(client):
    owner = factories.user(name="o", role=factories.Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    candidate = factories.user()
    db.session.commit()
    as_user(client, candidate)
    assert apply(client, job.id).status_code == 409
    assert count(Application) == 0


def test_withdraw_records_history_and_reapplying_reopens(client):
    _owner, _employer, job, candidate = world()
    as_user(client, candidate)
    location = apply(client, job.id).headers["Location"]
    token = csrf_token(client, location)
    assert client.post(location + "/withdraw", data={"csrf_token": token}).status_code == 303
    application = db.session.scalar(select(Application))
    db.session.refresh(application)
    assert application.stage == Stage.WITHDRAWN
    assert client.post(location + "/withdraw", data={"csrf_token": token}).status_code == 409
    assert apply(client, job.id).status_code == 303
    db.session.refresh(application)
    assert application.stage == Stage.NEW and count(Application) == 1
    stages = [c.to_stage for c in db.session.scalars(select(StageChange).order_by(StageChange.id))]
    assert stages == [Stage.NEW, Stage.WITHDRAWN, Stage.NEW]


def test_other_candidates_cannot_see_or_withdraw(client):
    _owner, _employer, job, candidate = world()
    application = factories.application(candidate, job)
    other = factories.user()
    db.session.commit()
    as_user(client, other)
    assert client.get(f"/applications/{application.id}").status_code == 404
    token = csrf_token(client, "/")
    assert (
        client.post(
            f"/applications/{application.id}/withdraw", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_contact_is_masked_until_the_candidate_applies(client):
    owner, _employer, job, candidate = world()
    resume_id = db.session.scalar(select(factories.Resume.id))
    as_user(client, owner)
    page = client.get(f"/resumes/{resume_id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    assert "l***@example.com" in page and "lilei@example.com" not in page
    as_user(client, candidate)
    apply(client, job.id)
    as_user(client, owner)
    page = client.get(f"/resumes/{resume_id}").get_data(as_text=True)
    assert "13812345678" in page and "lilei@example.com" in page


def test_concurrent_duplicate_applies_create_one_application(app):
    _owner, _employer, job, candidate = world()
    barrier = threading.Barrier(6)
    statuses = []
    email, url = candidate.email, f"/applications/apply/{job.id}"

    def hit():
        # Each thread has no app context, so each request gets its own context and session.
        c = app.test_client()
        login(c, email, factories.PASSWORD)
        token = csrf_token(c, f"/jobs/{job_id}")
        barrier.wait()
        statuses.append(c.post(url, data={"csrf_token": token}).status_code)

    job_id = job.id
    db.session.close()  # on SQLite an open transaction here would hold the write lock
    threads = [threading.Thread(target=hit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [303] * 6
    assert count(Application) == 1
    assert count(StageChange) == 1
    assert count(Notification) == 1


def test_reapplying_after_withdrawal_many_times_at_once_reopens_once(app):
    from app.applications import service
    from app.models import Job, User

    owner, _employer, job, candidate = world()
    with app.test_request_context(method="POST"):
        application, _created = service.apply(candidate, job, [])
        service.withdraw(application, candidate)
    db.session.commit()
    job_id, candidate_id = job.id, candidate.id
    notes_before = count(Notification)
    barrier = threading.Barrier(8)
    created: list[bool] = []

    def run() -> None:
        with app.app_context(), app.test_request_context(method="POST"):
            session = db.session
            try:
                barrier.wait()
                who, where = session.get(User, candidate_id), session.get(Job, job_id)
                created.append(service.apply(who, where, [])[1])
                session.commit()
            finally:
                session.remove()

    db.session.close()  # on SQLite an open transaction here would hold the write lock
    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert created.count(True) == 1 and len(created) == 8
    stages = [c.to_stage for c in db.session.scalars(select(StageChange).order_by(StageChange.id))]
    assert stages == [Stage.NEW, Stage.WITHDRAWN, Stage.NEW]
    assert count(Notification) == notes_before + 1  # the employer hears of it once
