"""Blind screening: a blind employer sees applicants without name and contact details until
it shortlists them (interview or later)."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.applications import service as applications
from app.chat import service as chat
from app.chat.tasks import digest
from app.dev.routes import read_outbox
from app.extensions import db
from app.models import Notification, Role, Stage
from tests import factories
from tests.web import as_user

NAME = "欧阳娜娜"


def blind_world(blind: bool = True):
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, blind_screening=blind)
    job = factories.job(employer)
    candidate = factories.user(Role.SEEKER, name=NAME, phone="13700009999")
    resume = factories.resume(candidate, contact_phone="13700009999")
    application = factories.application(candidate, job, resume_id=resume.id)
    token = create_api_token(owner, "t")
    db.session.commit()
    return owner, job, application, {"Authorization": f"Bearer {token}"}


def pages(client, job, application) -> str:
    return "".join(
        client.get(url).get_data(as_text=True)
        for url in (
            f"/applications/jobs/{job.id}",
            f"/applications/review/{application.id}",
            f"/applications/jobs/{job.id}/export.csv",
            f"/resumes/{application.resume_id}",
        )
    )


def test_names_and_contacts_are_hidden_until_shortlisted(client):
    owner, job, application, auth = blind_world()
    as_user(client, owner)
    seen = pages(client, job, application)
    assert NAME not in seen and "13700009999" not in seen
    assert f"Applicant #{application.id}" in seen
    api = client.get(f"/api/v1/jobs/{job.id}/applications", headers=auth).json["items"]
    assert [a["candidate_name"] for a in api] == [f"Applicant #{application.id}"]

    applications.move_stage(application, Stage.INTERVIEW, owner)
    db.session.commit()
    seen = pages(client, job, application)
    assert NAME in seen and "13700009999" in seen
    api = client.get(f"/api/v1/jobs/{job.id}/applications", headers=auth).json["items"]
    assert [a["candidate_name"] for a in api] == [NAME]


def test_employers_that_do_not_screen_blind_see_names(client):
    owner, job, application, _auth = blind_world(blind=False)
    as_user(client, owner)
    assert NAME in pages(client, job, application)


def test_chat_and_notifications_keep_the_screening_blind(client, worker):
    """Talking to an applicant, and the bell announcing them, do not undo blind screening."""
    owner, job, _application, _auth = blind_world()
    candidate = factories.user(Role.SEEKER, name="司马光")
    factories.resume(candidate)
    application, _created = applications.apply(candidate, job)
    conversation, _made = chat.open_for_application(owner, application)
    chat.send(conversation, candidate, "您好")
    db.session.commit()
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == owner.id))
    assert note.kind == "application_received_blind"
    as_user(client, owner)
    label = f"Applicant #{application.id}"
    for url in ("/notifications", "/conversations", f"/conversations/{conversation.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "司马光" not in page and label in page, url
    worker()  # the mails queued so far
    assert digest(conversation.id, "candidate") == 1
    worker()
    subjects = [mail["subject"] for mail in read_outbox()]  # in the owner's language (zh)
    assert sum(f"#{application.id}" in subject for subject in subjects) == 2
    assert not any("司马光" in subject for subject in subjects)

    applications.move_stage(application, Stage.INTERVIEW, owner)
    db.session.commit()
    assert "司马光" in client.get(f"/conversations/{conversation.id}").get_data(as_text=True)


def test_rejecting_unseen_and_moving_back_does_not_reveal_who_it_was(client):
    owner, job, application, _auth = blind_world()
    as_user(client, owner)
    applications.move_stage(application, Stage.REJECTED, owner)
    db.session.commit()
    seen = pages(client, job, application)
    assert NAME not in seen and "13700009999" not in seen
    applications.move_stage(application, Stage.SCREENING, owner)
    db.session.commit()
    seen = pages(client, job, application)
    assert NAME not in seen and "13700009999" not in seen

    # someone interviewed, then rejected, was seen already: the name stays
    applications.move_stage(application, Stage.INTERVIEW, owner)
    applications.move_stage(application, Stage.REJECTED, owner)
    db.session.commit()
    assert NAME in pages(client, job, application)
