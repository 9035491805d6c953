"""Blocking and unblocking a conversation from several tabs, colleagues or both sides at once
(each a conditional UPDATE of its side's own flag, app.database.update_if): it ends in a
state some one-at-a-time order would have left, no side's block is lost, and the requests
that lost are told the true reason."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.chat import service
from app.chat.service import ChatError
from app.extensions import db
from app.models import Conversation, EmployerMember, MemberRole, Role, User
from tests import factories
from tests.concurrency import at_once, posted_at_once, refusals
from tests.factories import PASSWORD
from tests.web import as_user, csrf_token, login, post_form


def conversation_with_two_colleagues() -> tuple[int, int, list[int]]:
    """A candidate's conversation with a company of two members: (its id, the candidate's,
    the members')."""
    candidate = factories.user(Role.SEEKER, locale="en")
    owner = factories.user(Role.EMPLOYER, locale="en")
    recruiter = factories.user(Role.EMPLOYER, locale="en")
    employer = factories.employer(owner)
    db.session.add(
        EmployerMember(employer_id=employer.id, user_id=recruiter.id, role=MemberRole.RECRUITER)
    )
    conversation, _made = service.open_for_job(candidate, factories.job(employer))
    db.session.commit()
    return conversation.id, candidate.id, [owner.id, recruiter.id]


def act(conversation_id: int, user_id: int, action) -> None:
    action(db.session.get(Conversation, conversation_id), db.session.get(User, user_id))


def blocks(conversation_id: int) -> tuple[bool, bool]:
    """(the candidate's block stands, the company's stands), as committed."""
    db.session.rollback()
    conversation = db.session.get(Conversation, conversation_id)
    db.session.refresh(conversation)
    return conversation.blocked_by_candidate, conversation.blocked_by_employer


def messages_of(outcomes: list) -> set[str]:
    with force_locale("en"):  # outside a request the default locale (Chinese) would read them
        return {str(o.message) for o in outcomes if isinstance(o, ChatError)}


def test_two_colleagues_unblocking_at_once_unblock_once(app):
    cid, _candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()

    outcomes = at_once(app, 6, lambda n: act(cid, members[n % 2], service.unblock))
    assert refusals(outcomes) == 5
    assert {o.status for o in outcomes if isinstance(o, ChatError)} == {409}
    # Their own block was lifted by the winner: they are told so, not that another side
    # blocked it.
    assert messages_of(outcomes) == {"This conversation is already unblocked."}
    assert blocks(cid) == (False, False)


def test_both_sides_blocking_at_once_keep_both_blocks(app):
    """Found by testers: the second block was dropped, so the first side's unblock reopened a
    conversation the other side had blocked too."""
    cid, candidate, members = conversation_with_two_colleagues()

    outcomes = at_once(app, 2, lambda n: act(cid, [candidate, members[0]][n], service.block))
    assert refusals(outcomes) == 0
    assert blocks(cid) == (True, True)

    # Each side lifts only its own: the company's unblock leaves the candidate's block.
    act(cid, members[1], service.unblock)
    db.session.commit()
    assert blocks(cid) == (True, False)
    with pytest.raises(ChatError) as refused:
        act(cid, members[0], lambda c, user: service.send(c, user, "还在吗？"))
    assert refused.value.status == 409
    db.session.rollback()


def test_the_side_that_blocked_and_lost_its_unblock_race_hears_the_other_side_blocked(app):
    """Both sides blocked; two of the company's members unblock at once. The loser is told the
    conversation stays blocked by the candidate, not that only "the side that blocked" may
    unblock it (his side did block)."""
    cid, candidate, members = conversation_with_two_colleagues()
    act(cid, candidate, service.block)
    act(cid, members[0], service.block)
    db.session.commit()

    outcomes = at_once(app, 2, lambda n: act(cid, members[n], service.unblock))
    assert refusals(outcomes) == 1
    assert messages_of(outcomes) == {
        "This conversation is blocked by the other side: only they can unblock it."
    }
    assert blocks(cid) == (True, False)


def test_one_side_unblocking_while_the_other_blocks_keeps_the_new_block(app):
    """The company lifts its block while the candidate blocks: whichever commits first, the
    candidate's block stands and the company's is gone; never a refusal."""
    cid, candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()
    steps = [(candidate, service.block), (members[1], service.unblock)]

    outcomes = at_once(app, 2, lambda n: act(cid, *steps[n]))
    assert refusals(outcomes) == 0
    assert blocks(cid) == (True, False)


def test_both_sides_pressing_block_at_once_from_their_pages(app):
    """The same race through the pages: two browsers post "Block" together; both are told the
    conversation is blocked, and each page then says both sides blocked it."""
    cid, candidate, members = conversation_with_two_colleagues()
    emails = [db.session.get(User, user_id).email for user_id in (candidate, members[0])]
    url = f"/conversations/{cid}"
    browsers = [None, None]

    def sign_in(n: int, browser) -> dict:
        login(browser, emails[n], PASSWORD)
        browsers[n] = browser
        return {"data": {"csrf_token": csrf_token(browser, url)}}

    responses = posted_at_once(app, url + "/block", 2, sign_in)
    assert [r.status_code for r in responses] == [302, 302]
    assert blocks(cid) == (True, True)
    pages = [browser.get(url).get_data(as_text=True) for browser in browsers]
    assert all("Conversation blocked." in page for page in pages)
    assert "You and the company both blocked this conversation." in pages[0]
    assert "Your company and the candidate both blocked this conversation." in pages[1]
    assert all("Unblock on my side" in page for page in pages)


def test_one_side_unblocking_while_the_other_blocks_from_their_pages(app):
    cid, candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()
    emails = [db.session.get(User, user_id).email for user_id in (candidate, members[1])]
    url = f"/conversations/{cid}"
    paths = [url + "/block", url + "/unblock"]
    browsers = [None, None]

    def sign_in(n: int, browser) -> dict:
        login(browser, emails[n], PASSWORD)
        browsers[n] = browser
        return {"data": {"csrf_token": csrf_token(browser, url)}}

    responses = posted_at_once(
        app,
        url,
        2,
        # Each browser posts its own action: the path is the request's PATH_INFO.
        lambda n, browser: {**sign_in(n, browser), "environ_overrides": {"PATH_INFO": paths[n]}},
    )
    assert [r.status_code for r in responses] == [302, 302]
    assert blocks(cid) == (True, False)
    candidate_page, member_page = (browser.get(url).get_data(as_text=True) for browser in browsers)
    assert "Conversation blocked." in candidate_page
    assert "You blocked this conversation." in candidate_page
    # Lifted before the candidate's block came, or after: the flash says which.
    assert "Your block is lifted." in member_page or "Conversation unblocked." in member_page
    assert "The candidate blocked this conversation." in member_page
    assert "only the candidate can unblock it" in member_page


def test_a_page_unblock_lost_to_a_colleague_says_it_is_already_unblocked(client):
    cid, _candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()
    url = f"/conversations/{cid}"
    as_user(client, db.session.get(User, members[1]))
    assert "Your company blocked this conversation." in client.get(url).get_data(as_text=True)
    act(cid, members[0], service.unblock)  # the colleague, meanwhile
    db.session.commit()
    post_form(client, url + "/unblock", {}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "This conversation is already unblocked." in page
    assert blocks(cid) == (False, False)
