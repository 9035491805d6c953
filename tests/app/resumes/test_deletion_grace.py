"""While account deletion is pending no path makes a résumé public (docs/privacy.md): the
builder, an uploaded draft confirmed into a new résumé, the API. Such a résumé comes back
with the others when the person keeps the account."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Resume, Role, User, Visibility
from app.privacy import service as privacy
from app.resumes import service as resumes
from tests import factories
from tests.app.resumes.drafts import confirm, parsed_upload
from tests.app.resumes.test_builder import BASE as BUILDER_FORM
from tests.web import as_user, post_form

DRAFT = {"headline": "会计", "skills": ["Excel", "用友"], "phone": "13812345678"}


def ask_for_deletion(client, user: User) -> None:
    as_user(client, user)
    asked = post_form(
        client,
        "/settings/privacy/delete",
        {"password": factories.PASSWORD},
        token_from="/settings/privacy",
    )
    assert asked.status_code == 303


def keep_account(client) -> None:
    kept = post_form(client, "/settings/privacy/delete/cancel", {}, token_from="/settings/privacy")
    assert kept.status_code == 303
    db.session.expire_all()


def the_resume(user: User) -> Resume:
    db.session.expire_all()
    return db.session.scalar(sa.select(Resume).where(Resume.user_id == user.id))


def findable(resume: Resume) -> bool:
    employer = factories.employer(verified=True)
    db.session.flush()
    return resume.id in db.session.scalars(
        resumes.search_query(employer).with_only_columns(Resume.id)
    )


def test_a_draft_confirmed_into_a_new_resume_during_the_grace_period_stays_hidden(app, client):
    """confirm_draft created a résumé with the default visibility, public."""
    seeker = factories.user(Role.SEEKER)
    item = parsed_upload(seeker, DRAFT)
    ask_for_deletion(client, seeker)

    confirmed = confirm(client, item)
    assert confirmed.status_code == 303
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "employers cannot find your résumé" in page
    resume = the_resume(seeker)
    assert resume.headline == "会计" and resume.visibility == Visibility.APPLIED
    assert not findable(resume)
    assert privacy.hidden_for_deletion(seeker) == [resume.id]

    keep_account(client)
    resume = the_resume(seeker)
    assert resume.visibility == Visibility.PUBLIC and findable(resume)
    assert db.session.get(User, seeker.id).resume_consent_at is not None


def test_a_draft_merged_into_a_hidden_resume_keeps_it_hidden_until_the_cancel(app, client):
    seeker = factories.user(Role.SEEKER)
    hidden = factories.resume(seeker, visibility=Visibility.PUBLIC)
    item = parsed_upload(seeker, DRAFT)
    ask_for_deletion(client, seeker)

    assert confirm(client, item).status_code == 303
    resume = the_resume(seeker)
    assert resume.id == hidden.id and "Excel" in resume.skills
    assert resume.visibility == Visibility.APPLIED
    assert privacy.hidden_for_deletion(seeker) == [hidden.id]  # listed once

    keep_account(client)
    assert the_resume(seeker).visibility == Visibility.PUBLIC


def test_resumes_made_public_in_the_builder_or_the_api_during_the_grace_period_come_back_on_cancel(
    app, client
):
    """Saved as public during the grace period, a new résumé was kept from employers but was
    not in the request's list, so keeping the account left it hidden for good."""
    for make in ("builder", "api"):
        seeker = factories.user(Role.SEEKER)
        bearer = {"Authorization": "Bearer " + create_api_token(seeker, "t")}
        db.session.commit()
        ask_for_deletion(client, seeker)
        if make == "builder":
            saved = post_form(
                client,
                "/resumes/mine",
                {**BUILDER_FORM, "visibility": "public"},
                token_from="/resumes/mine",
            )
            assert saved.status_code == 302
            assert "employers cannot find your résumé" in client.get("/resumes/mine").get_data(
                as_text=True
            )
        else:
            sent = client.put("/api/v1/resume", json={"headline": "会计"}, headers=bearer)
            assert sent.status_code == 201 and sent.json["visibility"] == "applied"
        resume = the_resume(seeker)
        assert resume.visibility == Visibility.APPLIED and not findable(resume)

        keep_account(client)
        assert the_resume(seeker).visibility == Visibility.PUBLIC, make


def test_only_the_latest_requests_resumes_come_back(app, client):
    """A résumé hidden during an earlier, cancelled grace period and then made private by its
    owner is not brought back by a later cancel."""
    seeker = factories.user(Role.SEEKER)
    db.session.commit()
    ask_for_deletion(client, seeker)
    bearer = {"Authorization": "Bearer " + create_api_token(seeker, "t")}
    db.session.commit()
    client.put("/api/v1/resume", json={"headline": "会计"}, headers=bearer)
    keep_account(client)
    resume = the_resume(seeker)
    resume.visibility = Visibility.APPLIED  # chosen after the first cancel
    db.session.commit()

    ask_for_deletion(client, seeker)
    assert privacy.hidden_for_deletion(seeker) == []
    keep_account(client)
    assert the_resume(seeker).visibility == Visibility.APPLIED
