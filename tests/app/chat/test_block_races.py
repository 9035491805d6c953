"""Blocking and unblocking a conversation from several tabs, colleagues or both sides at once
(each a conditional UPDATE, app.database.update_if): it ends in a state some one-at-a-time
order would have left, and the requests that lost are told so."""

from __future__ import annotations

from app.chat import service
from app.chat.service import ChatError
from app.extensions import db
from app.models import Conversation, EmployerMember, MemberRole, Role, Side, User
from tests import factories
from tests.concurrency import at_once, refusals


def conversation_with_two_colleagues() -> tuple[int, int, list[int]]:
    """A candidate's conversation with a company of two members: (its id, the candidate's,
    the members')."""
    candidate = factories.user(Role.SEEKER)
    owner, recruiter = factories.user(Role.EMPLOYER), factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    db.session.add(
        EmployerMember(employer_id=employer.id, user_id=recruiter.id, role=MemberRole.RECRUITER)
    )
    conversation, _made = service.open_for_job(candidate, factories.job(employer))
    db.session.commit()
    return conversation.id, candidate.id, [owner.id, recruiter.id]


def act(conversation_id: int, user_id: int, action) -> None:
    action(db.session.get(Conversation, conversation_id), db.session.get(User, user_id))


def blocked_by(conversation_id: int) -> Side | None:
    return db.session.get(Conversation, conversation_id).blocked_by


def test_two_colleagues_unblocking_at_once_unblock_once(app):
    cid, _candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()

    outcomes = at_once(app, 6, lambda n: act(cid, members[n % 2], service.unblock))
    assert refusals(outcomes) == 5
    assert {o.status for o in outcomes if isinstance(o, ChatError)} == {409}
    assert blocked_by(cid) is None


def test_both_sides_blocking_at_once_leave_one_block_that_only_its_side_lifts(app):
    cid, candidate, members = conversation_with_two_colleagues()

    outcomes = at_once(app, 2, lambda n: act(cid, [candidate, members[0]][n], service.block))
    assert refusals(outcomes) == 0  # whoever came second found it blocked already
    side = blocked_by(cid)
    assert side in (Side.CANDIDATE, Side.EMPLOYER)

    lifters = {Side.CANDIDATE: candidate, Side.EMPLOYER: members[1]}
    other = lifters[Side.EMPLOYER if side == Side.CANDIDATE else Side.CANDIDATE]
    outcomes = at_once(app, 2, lambda n: act(cid, [other, lifters[side]][n], service.unblock))
    assert refusals(outcomes) == 1 and isinstance(outcomes[0], ChatError)
    assert blocked_by(cid) is None


def test_a_block_and_an_unblock_at_once_end_as_one_after_the_other(app):
    """The company lifts its block while the candidate blocks: the candidate's block either
    came first (and found the company's) or last (and stands); never a refusal."""
    cid, candidate, members = conversation_with_two_colleagues()
    act(cid, members[0], service.block)
    db.session.commit()
    steps = [(candidate, service.block), (members[1], service.unblock)]

    outcomes = at_once(app, 2, lambda n: act(cid, *steps[n]))
    assert refusals(outcomes) == 0
    assert blocked_by(cid) in (None, Side.CANDIDATE)
