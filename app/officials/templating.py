"""What other areas' templates may ask of this one: the candidate's partner-region jobs.

A template global rather than a change to someone else's view: ``main/index.html`` calls
``partner_jobs_for(current_user)`` only for a logged-in job seeker.
"""

from __future__ import annotations

from app.extensions import db
from app.models import Job, Role, User
from app.officials import bp
from app.officials.cooperation import partner_jobs


@bp.app_template_global("partner_jobs_for")
def partner_jobs_for(user: User) -> list[Job]:
    if not getattr(user, "is_authenticated", False) or user.role != Role.SEEKER:
        return []
    return partner_jobs(db.session, user)
