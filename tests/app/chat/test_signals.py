"""A conversation in which both sides wrote counts as a training label for `yunpin train match`."""

from __future__ import annotations

from app.chat import service
from app.chat.signals import replies
from app.extensions import db
from app.models import Role
from app.ranking import outcomes
from tests import factories


def test_a_reply_in_a_conversation_grades_the_pair_like_an_application(app):
    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    asker, ignored = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    factories.resume(asker)
    resume = factories.resume(ignored)
    # the candidate asks about the job and the employer answers: a reply
    asked, _made = service.open_for_job(asker, job)
    service.send(asked, asker, "Is the job still open?")
    db.session.commit()
    answer = service.send(asked, owner, "Yes, come on Monday.")
    # the employer writes to an applicant who only shares a résumé: not a reply in words
    contacted, _made = service.open_for_application(owner, factories.application(ignored, job))
    service.send(contacted, owner, "Can you start on Monday?")
    service.share_resume(contacted, ignored, resume)
    db.session.commit()

    assert replies in outcomes.SOURCES  # registered by the chat package
    got = {(o.job_id, o.candidate_id): o for o in replies()}
    assert set(got) == {(job.id, asker.id)}
    assert got[(job.id, asker.id)].grade == 1
    assert got[(job.id, asker.id)].at == answer.created_at
    # no application between them: the reply alone makes the training label
    assert outcomes.collect()[(job.id, asker.id)].grade == 1
