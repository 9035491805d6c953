"""Conversations as a training signal for the ranking model (app.ranking.outcomes).

A reply means the match interested both sides, so a conversation in which each side wrote
at least one message of its own (not the system's "résumé shared" notes) grades its
(job, candidate) pair 1, like an application: the candidate answered the employer, or the
employer answered the candidate. The moment it counts from is the later side's first message.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.extensions import db
from app.models import Conversation, Message, Side
from app.ranking.outcomes import Outcome

REPLY_GRADE = 1


def replies() -> Iterable[Outcome]:
    def first_by(side: Side):
        return (
            select(Message.conversation_id, func.min(Message.created_at).label("at"))
            .where(Message.side == side, Message.kind == "text")
            .group_by(Message.conversation_id)
            .subquery()
        )

    cand, emp = first_by(Side.CANDIDATE), first_by(Side.EMPLOYER)
    rows = db.session.execute(
        select(Conversation.job_id, Conversation.candidate_id, cand.c.at, emp.c.at)
        .join(cand, cand.c.conversation_id == Conversation.id)
        .join(emp, emp.c.conversation_id == Conversation.id)
    )
    for job_id, candidate_id, cand_at, emp_at in rows:
        yield Outcome(job_id, candidate_id, REPLY_GRADE, max(cand_at, emp_at))
