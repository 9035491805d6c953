"""Account deletion: what the grace period hides at once, and what the erasure leaves behind
(an outside tester's findings 4 and 7)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.broadcasts import service as broadcasts
from app.chat import service as chat
from app.extensions import db
from app.models import (
    AuditEntry,
    BroadcastQuestion,
    Conversation,
    EmployerMember,
    MemberRole,
    QuestionStatus,
    Resume,
    Role,
    User,
    Visibility,
    utcnow,
)
from app.privacy import service
from app.privacy.tasks import sweep
from app.resumes import service as resumes
from tests import factories
from tests.web import as_user, post_form


def erase_now(user: User) -> None:
    """Let USER's grace period end and run the hourly sweep."""
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(delete_after=utcnow() - timedelta(1))
    )
    db.session.commit()
    assert sweep()["erased"] == 1
    db.session.expire_all()


def company_with_owner() -> tuple[User, object]:
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer()
    db.session.add(EmployerMember(employer=employer, user_id=owner.id, role=MemberRole.OWNER))
    db.session.flush()
    return owner, employer


def test_the_wechat_ids_shared_in_a_conversation_go_with_the_account_that_shared_them(app):
    """Only the sharing flag was reset; the WeChat ID stayed for the employer to read."""
    seeker = factories.user(Role.SEEKER)
    owner, employer = company_with_owner()
    job = factories.job(employer)
    with app.test_request_context(method="POST"):
        conversation, _made = chat.open_for_job(seeker, job)
        chat.agree_to_share_contact(conversation, seeker, "wang_fang88")
        chat.agree_to_share_contact(conversation, owner, "hr_zhang01")
    db.session.commit()

    erase_now(seeker)
    kept = db.session.get(Conversation, conversation.id)
    assert (kept.candidate_wechat, kept.candidate_shares_contact) == ("", False)
    assert kept.employer_wechat == "hr_zhang01"  # the company's, given by someone else

    # The member who gave the company's ID is erased: the ID goes, the company's consent stays.
    erase_now(owner)
    kept = db.session.get(Conversation, conversation.id)
    assert (kept.employer_wechat, kept.employer_shares_contact) == ("", True)


def test_an_erased_viewers_questions_lose_their_text_and_the_figures_still_add_up(app, client):
    """Approved questions stayed public in questions.json with what their author wrote."""
    asker, other = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    broadcast = broadcasts.create(db.session, title="招聘说明会", starts_at=utcnow())
    broadcasts.went_live(db.session, broadcast)
    asked = {
        text: broadcasts.ask(db.session, broadcast, who, text)
        for who, text in [
            (asker, "我叫王芳，电话13900001111，还招人吗？"),
            (asker, "待审核的问题"),
            (asker, "已回答的问题"),
            (other, "别人的问题"),
        ]
    }
    pinned, pending, answered, others = asked.values()
    for question in (pinned, answered, others):
        broadcasts.moderate(db.session, question, "approve")
    broadcasts.moderate(db.session, pinned, "pin")
    broadcasts.moderate(db.session, answered, "answer", "还在招。")
    db.session.commit()
    figures = broadcasts.figures_of(db.session, [broadcast])[broadcast.id]
    url = f"/broadcasts/{broadcast.id}/questions.json"
    assert len(client.get(url).get_json()["questions"]) == 3

    erase_now(asker)
    shown = client.get(url).get_json()["questions"]
    assert [(q["id"], q["body"], q["answer"]) for q in shown] == [
        (answered.id, "", "还在招。"),  # the host's answer stays
        (others.id, "别人的问题", ""),
    ]
    assert "13900001111" not in client.get(url).get_data(as_text=True)
    rows = db.session.scalars(
        sa.select(BroadcastQuestion).where(BroadcastQuestion.id != others.id)
    ).all()
    assert {(q.body, q.author_id) for q in rows} == {("", None)}
    assert db.session.get(BroadcastQuestion, pinned.id).status == QuestionStatus.REJECTED
    assert not db.session.get(BroadcastQuestion, pinned.id).pinned
    assert db.session.get(BroadcastQuestion, pending.id).status == QuestionStatus.REJECTED
    after = broadcasts.figures_of(db.session, [broadcast])[broadcast.id]
    assert (
        (after["questions_asked"], after["questions_answered"])
        == (
            figures["questions_asked"],
            figures["questions_answered"],
        )
        == (4, 1)
    )


def employer_who_may_see(resume: Resume):
    """A verified employer's member the résumé's owner never applied to."""
    member, _employer = company_with_owner()
    return member


def request_deletion_in_settings(client, seeker: User):
    as_user(client, seeker)
    asked = post_form(
        client,
        "/settings/privacy/delete",
        {"password": factories.PASSWORD},
        token_from="/settings/privacy",
    )
    assert asked.status_code == 303


def test_a_resume_leaves_employers_when_its_owner_asks_for_deletion_and_comes_back_on_cancel(
    app, client
):
    """During the grace period the résumé stayed public: in search, on its page and in the
    API with the contacts, and invitable."""
    seeker = factories.user(Role.SEEKER, resume_consent_at=utcnow())
    resume = factories.resume(seeker, visibility=Visibility.PUBLIC)
    member = employer_who_may_see(resume)
    token = {"Authorization": "Bearer " + create_api_token(member, "t")}
    db.session.commit()
    employer = member.employer

    def employers_see() -> tuple[int, int, bool]:
        as_user(client, member)
        page = client.get(f"/resumes/{resume.id}").status_code
        api = client.get(f"/api/v1/resumes/{resume.id}", headers=token).status_code
        found = resume.id in db.session.scalars(
            resumes.search_query(employer).with_only_columns(Resume.id)
        )
        return page, api, found

    assert employers_see() == (200, 200, True)
    request_deletion_in_settings(client, seeker)
    db.session.expire_all()
    assert db.session.get(Resume, resume.id).visibility == Visibility.APPLIED
    assert db.session.get(User, seeker.id).resume_consent_at is None
    assert employers_see() == (404, 404, False)
    as_user(client, seeker)
    page = client.get("/settings/privacy").get_data(as_text=True)
    assert 'id="resume-during-deletion"' in page

    # A program re-sending the résumé as public (the API's default) does not bring it back.
    bearer = {"Authorization": "Bearer " + create_api_token(seeker, "sync")}
    db.session.commit()
    sent = client.put("/api/v1/resume", json={"headline": "会计"}, headers=bearer)
    assert sent.status_code == 200 and sent.json["visibility"] == "applied"

    cancelled = post_form(
        client, "/settings/privacy/delete/cancel", {}, token_from="/settings/privacy"
    )
    assert cancelled.status_code == 303
    db.session.expire_all()
    assert db.session.get(Resume, resume.id).visibility == Visibility.PUBLIC
    assert db.session.get(User, seeker.id).resume_consent_at is not None
    assert employers_see() == (200, 200, True)
    consents = db.session.scalars(
        sa.select(AuditEntry.data)
        .where(AuditEntry.action == "consent.resume_visibility")
        .order_by(AuditEntry.id)
    ).all()
    assert [c["given"] for c in consents] == [False, True]


def test_cancelling_brings_back_only_what_the_deletion_hid(app, client):
    """A résumé its owner had kept from employers stays so; one hidden meanwhile too."""
    seeker = factories.user(Role.SEEKER)
    resume = factories.resume(seeker, visibility=Visibility.APPLIED)
    db.session.commit()
    request_deletion_in_settings(client, seeker)
    assert service.hidden_for_deletion(seeker) == []
    post_form(client, "/settings/privacy/delete/cancel", {}, token_from="/settings/privacy")
    db.session.expire_all()
    assert db.session.get(Resume, resume.id).visibility == Visibility.APPLIED
    assert db.session.get(User, seeker.id).resume_consent_at is None

    resume.visibility = Visibility.PUBLIC
    db.session.commit()
    request_deletion_in_settings(client, seeker)
    assert service.hidden_for_deletion(seeker) == [resume.id]
    db.session.get(Resume, resume.id).visibility = Visibility.HIDDEN  # chosen meanwhile
    db.session.commit()
    post_form(client, "/settings/privacy/delete/cancel", {}, token_from="/settings/privacy")
    db.session.expire_all()
    assert db.session.get(Resume, resume.id).visibility == Visibility.HIDDEN
