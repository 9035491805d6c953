"""Who may see and change what. Every object route goes through one of these checks.

A missing object and an object the user may not see both answer 404, so ids cannot be
probed; a visible object the user may not change answers 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from app.extensions import db
from app.models import (
    Application,
    Employer,
    Job,
    MemberRole,
    Role,
    User,
)


def roles_required(*roles: Role) -> Callable:
    """Only logged-in users with one of ROLES; others get 403 (or the login page)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_employer(owner_only: bool = False) -> Employer:
    """The employer the current user works for; 403 when none (or not its owner)."""
    membership = current_user.membership if current_user.is_authenticated else None
    if membership is None:
        abort(403)
    if owner_only and membership.role != MemberRole.OWNER:
        abort(403)
    return membership.employer


def member_job(job_id: int) -> Job:
    """A job of the current user's employer; 404 for any other (ids are not probed)."""
    employer = current_employer()
    job = db.get_or_404(Job, job_id)
    if job.employer_id != employer.id:
        abort(404)
    return job


def member_application(application_id: int) -> Application:
    """An application to a job of the current user's employer; 404 for any other."""
    application = db.get_or_404(Application, application_id)
    member_job(application.job_id)
    return application


def covers_region(user: User, region_code: str | None) -> bool:
    """Whether an official's (or admin's) scope includes REGION_CODE."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.OFFICIAL or not region_code or not user.region_code:
        return False
    return region_code.startswith(user.region_code)


def works_for(user: User, employer_id: int) -> bool:
    return bool(user.membership and user.membership.employer_id == employer_id)


OFFICIALS = (Role.OFFICIAL, Role.ADMIN)


def scope_code() -> str:
    """The official's region; admins review the whole country (the empty prefix)."""
    return current_user.region_code or "" if current_user.role == Role.OFFICIAL else ""
