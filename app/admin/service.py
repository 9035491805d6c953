"""Accounts as administrators manage them, and the audit log as they read it."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.errors import DomainError
from app.extensions import db
from app.labels import AUDIT_ACTIONS
from app.models import AuditEntry, Role, User, utcnow
from app.notifications.mail import send_email
from app.security import hash_password, make_link_token, sign_out_everywhere

PAGE = 100
"""Rows on one page of the audit log."""
USERS_PAGE = 30
"""Accounts on one page of the user list (cards on a phone: 30 are already many screens)."""
CSV_LIMIT = 100_000
"""Rows in one audit CSV: narrow the filter for more."""


class AdminError(DomainError):
    status = 422


def check_role_region(role: Role, region_code: str | None) -> None:
    if role == Role.OFFICIAL and not region_code:
        raise AdminError(_l("An official needs the region they are responsible for."))


def create_user(admin: User, email: str, name: str, role: Role, region_code: str | None) -> User:
    """An account with an unusable random password; its owner gets a link to set one."""
    check_role_region(role, region_code)
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        region_code=region_code or None,
        password_hash=hash_password(secrets.token_urlsafe(24)),
        email_confirmed_at=utcnow(),  # the link below proves the address when used
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AdminError(_l("An account with this email already exists.")) from None
    audit.record(
        "admin.user_create", user, actor=admin, role=role.value, region_code=region_code or None
    )
    send_email(
        user.email,
        _l("Your Yunpin account: set your password"),
        "account_created",
        locale=user.locale,
        user=user,
        link=url_for("accounts.reset", token=make_link_token("reset", user), _external=True),
    )
    return user


def change_user(
    admin: User, user: User, name: str, role: Role, region_code: str | None, active: bool
) -> list[str]:
    """Apply the changes; a disabled account or a changed role is signed out everywhere.
    Returns the changed fields (audited with their old and new values)."""
    check_role_region(role, region_code)
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise AdminError(_l("You cannot remove your own administrator access."), 409)
    new = {"name": name.strip(), "role": role, "region_code": region_code or None, "active": active}
    changes = {
        key: [str(getattr(user, key)), str(value)]
        for key, value in new.items()
        if getattr(user, key) != value
    }
    if not changes:
        return []
    for key, value in new.items():
        setattr(user, key, value)
    if {"role", "active", "region_code"} & changes.keys():
        sign_out_everywhere(user)  # the old permissions end with the old sessions
    audit.record("admin.user_change", user, actor=admin, changes=changes)
    return sorted(changes)


def find_users(q: str = "", role: str = "", after: int | None = None) -> list[User]:
    query = sa.select(User).order_by(User.id.desc()).limit(USERS_PAGE)
    if q:
        query = query.where(
            sa.or_(
                User.email.icontains(q, autoescape=True), User.name.icontains(q, autoescape=True)
            )
        )
    if role:
        query = query.where(User.role == Role(role))
    if after:
        query = query.where(User.id < after)
    return list(db.session.scalars(query))


def audit_query(
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> sa.Select:
    """Audit entries matching every filter given, newest first. ACTOR is an account id or
    email; ACTION is a recorded action or the start of some (employer.); SINCE and UNTIL are
    Beijing days, both included."""
    query = sa.select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_id)
    actor = actor.strip()
    if actor:
        if actor.isdecimal() and int(actor) < 2**31:
            query = query.where(AuditEntry.actor_id == int(actor))
        else:
            query = query.where(User.email == actor.lower())
    if object_type:
        query = query.where(AuditEntry.object_type == object_type.strip())
    if object_id:
        query = query.where(AuditEntry.object_id == object_id.strip())
    action = action.strip()
    if action in AUDIT_ACTIONS:  # exactly: job.report is not also job.report_upheld
        query = query.where(AuditEntry.action == action)
    elif action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if since:
        query = query.where(AuditEntry.created_at >= clock.day_start(since))
    if until:
        query = query.where(AuditEntry.created_at < clock.day_start(until + timedelta(days=1)))
    return query.order_by(AuditEntry.id.desc())
