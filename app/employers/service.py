"""Company profiles: registering a company and changing its profile and logo.

The employers feature keeps its other rules in two more service modules, each a small state
machine of its own: `members` (colleagues invited by email and removed) and `review` (the
documents and the officials' online review). One service.py holding all three would be the
biggest file of the feature and mix three sets of rules that never call each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app import audit, uploads
from app.employers import review
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, EmployerMember, MemberRole, User

PROFILE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "size",
    "region_code",
    "address",
    "website",
    "description",
)
"""What the employer writes in its profile; the verification fields are the review's."""


class ProfileError(DomainError):
    """The profile cannot be saved: 409 a conflict (the code is taken), 422 a broken rule."""


def save_profile(
    employer: Employer, values: Mapping[str, Any], logo: FileStorage | None, user: User
) -> str | None:
    """Register EMPLOYER (USER becomes its owner) or change it, from the profile fields in
    VALUES and the LOGO if one was sent. Returns the stored name of a logo it replaced, for
    the caller to discard once the change is committed; a new logo of a refused change is
    discarded here."""
    creating = employer.id is None
    if not creating and employer.verified and values["credit_code"] != employer.credit_code:
        raise ProfileError(_l("A verified company's code cannot be changed."), status=422)
    changed = [] if creating or not employer.verified else review.identity_changes(employer, values)
    stored = uploads.store(logo, uploads.IMAGE_TYPES) if logo and logo.filename else None
    replaced = employer.logo_path if stored else None
    for name in PROFILE_FIELDS:
        setattr(employer, name, values[name])
    if "blind_screening" in values:  # a choice of the employer's, not part of its identity
        employer.blind_screening = bool(values["blind_screening"])
    if stored:
        employer.logo_path = stored.stored_name
    if creating:
        db.session.add(employer)
        db.session.add(EmployerMember(employer=employer, user_id=user.id, role=MemberRole.OWNER))
    try:
        db.session.flush()
    except IntegrityError:
        raise ProfileError(_l("A company with this code is already registered.")) from None
    audit.record("employer.create" if creating else "employer.update", employer)
    if changed:
        review.review_again(employer, user, changed)
    return replaced
