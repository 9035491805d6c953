"""Taking someone out of interview rooms at once, rather than when their access lease runs
out (:data:`app.interviews.service.ACCESS_LEASE_SECONDS`): their lease ends and the media
server holding the room hangs up a call they are in, telling them why, while the others
stay (:func:`video.rooms.revoke`). Removal from an employer does it through an ORM hook;
account erasure, whose bulk deletes skip ORM events, calls :func:`revoke_room_access`.

Revoked before the commit: if the change rolls back, the person's next page poll grants
the lease again, and they join again with it.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Select, event, or_, select

from app.extensions import db
from app.models import Application, EmployerMember, Interview, InterviewStatus, Job, User
from app.redis_store import get_redis
from video import rooms as video_rooms


@event.listens_for(EmployerMember, "after_delete")
def _member_removed(mapper, connection, member: EmployerMember) -> None:
    """Someone removed from an employer leaves the rooms of its open interviews."""
    rooms = connection.scalars(_open_rooms(Job.employer_id == member.employer_id))
    _revoke(rooms, member.user_id, "removed")


def revoke_room_access(user: User, reason: str) -> None:
    """USER leaves every open interview room they may be in, as the candidate or as a member
    of the employer; the media server tells them REASON (``erased``). Call it while USER's
    memberships are still there: they say which rooms."""
    memberships = select(EmployerMember.employer_id).where(EmployerMember.user_id == user.id)
    rooms = db.session.scalars(
        _open_rooms(Application.candidate_id == user.id, Job.employer_id.in_(memberships))
    )
    _revoke(rooms, user.id, reason)


def _open_rooms(*whose) -> Select:
    """The room ids of scheduled interviews matching any of WHOSE (clauses on the
    interview's application and job)."""
    return (
        select(Interview.room_id)
        .join(Application, Interview.application_id == Application.id)
        .join(Job, Application.job_id == Job.id)
        .where(
            or_(*whose),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.room_id.is_not(None),
        )
    )


def _revoke(room_ids, user_id: int, reason: str) -> None:
    redis = get_redis(current_app)
    for room_id in room_ids:
        video_rooms.revoke(redis, room_id, str(user_id), reason)
