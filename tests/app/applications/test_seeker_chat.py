"""The candidate's own application page leads to the conversation with the employer: the
one already open (whoever opened it), else a new one while the job is public."""

from __future__ import annotations

from app.extensions import db
from app.models import Conversation, JobStatus, Role
from tests import factories
from tests.web import as_user, post_form


def test_an_application_page_opens_the_chat_with_its_employer(client):
    job = factories.job(factories.employer())
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job)
    db.session.commit()
    as_user(client, candidate)
    url = f"/applications/{application.id}"
    assert f'action="/jobs/{job.id}/conversation"' in client.get(url).get_data(as_text=True)

    opened = post_form(client, f"/jobs/{job.id}/conversation", {}, token_from=url)
    assert opened.status_code == 302
    conversation = db.session.scalar(db.select(Conversation))
    page = client.get(url).get_data(as_text=True)
    assert f'href="/conversations/{conversation.id}"' in page
    assert f'action="/jobs/{job.id}/conversation"' not in page

    # Closed, the job takes no new conversation; the open one is still reached.
    job.status = JobStatus.CLOSED
    db.session.commit()
    assert f'href="/conversations/{conversation.id}"' in client.get(url).get_data(as_text=True)


def test_no_chat_is_offered_for_a_closed_job_never_talked_about(client):
    job = factories.job(factories.employer(), status=JobStatus.CLOSED)
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job)
    db.session.commit()
    as_user(client, candidate)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/jobs/{job.id}/conversation" not in page and 'href="/conversations/' not in page
