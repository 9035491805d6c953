"""Who works for an employer: owners invite colleagues by email and remove recruiters.

An invitation link is signed (itsdangerous) and names the invite row; it works while the
invite is open, for the address it was sent to only, for INVITE_VALID_DAYS days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, EmployerMember, MemberInvite, MemberRole, Role, User, utcnow
from app.notifications.mail import send_email

INVITE_VALID_DAYS = 7
"""How long an invitation link works; the colleagues page says this number to the owner."""


class MembershipError(DomainError):
    """The membership change is not allowed: 409, or 400 for a broken invitation link and
    403 for someone the invitation is not for."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="yunpin-member-invite")


def invite_token(invite: MemberInvite) -> str:
    return _serializer().dumps({"invite": invite.id, "email": invite.email})


def read_invite(token: str) -> MemberInvite:
    """The open invite TOKEN names; MembershipError when expired, used or forged."""
    try:
        data = _serializer().loads(token, max_age=INVITE_VALID_DAYS * 24 * 3600)
    except SignatureExpired as error:
        raise MembershipError(
            _l("This invitation has expired. Ask for a new one."), status=400
        ) from error
    except BadSignature as error:
        raise MembershipError(_l("This invitation link is not valid."), status=400) from error
    invite = db.session.get(MemberInvite, data.get("invite")) if isinstance(data, dict) else None
    if invite is None or invite.email != data.get("email") or invite.accepted_at is not None:
        raise MembershipError(_l("This invitation is no longer open."), status=400)
    return invite


def invite(
    employer: Employer, email: str, by: User, role: MemberRole = MemberRole.RECRUITER
) -> MemberInvite:
    """Invite EMAIL to EMPLOYER (again, if already invited) and send the link."""
    email = email.strip().lower()
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.membership is not None:
        raise MembershipError(_l("This person already works for a company on Yunpin."))
    if existing is not None and existing.role != Role.EMPLOYER:
        raise MembershipError(_l("This address belongs to a job seeker or official account."))
    item = db.session.scalar(
        select(MemberInvite).where(
            MemberInvite.employer_id == employer.id, MemberInvite.email == email
        )
    )
    if item is None:
        item = MemberInvite(employer_id=employer.id, email=email)
        db.session.add(item)
    item.role, item.invited_by_id, item.created_at, item.accepted_at = role, by.id, utcnow(), None
    db.session.flush()
    audit.record("employer.member_invite", employer, actor=by, email=email, role=role.value)
    message = _l(
        "%(name)s invites you to recruit for %(employer)s on Yunpin.",
        name=by.name,
        employer=employer.name,
    )
    send_email(
        email,
        message,
        "notification",
        locale=existing.locale if existing else None,
        message=message,
        link=url_for("employers.accept_invite", token=invite_token(item), _external=True),
    )
    return item


def accept(item: MemberInvite, user: User) -> EmployerMember:
    """USER (an employer account with the invited address) joins the inviting employer."""
    if user.email != item.email:
        raise MembershipError(
            _l("This invitation was sent to another address. Log in with that one."), status=403
        )
    if user.role != Role.EMPLOYER:
        raise MembershipError(_l("Only employer accounts can join a company."), status=403)
    if user.membership is not None:
        raise MembershipError(_l("You already work for a company on Yunpin."), status=403)
    member = EmployerMember(employer_id=item.employer_id, user_id=user.id, role=item.role)
    db.session.add(member)
    item.accepted_at = utcnow()
    # Following the emailed link proves the address.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.flush()
    audit.record(
        "employer.member_join",
        member,
        actor=user,
        employer_id=item.employer_id,
        role=item.role.value,
    )
    return member


def remove(employer: Employer, member: EmployerMember, by: User) -> None:
    """Owners remove recruiters; owners themselves cannot be removed here."""
    if member.employer_id != employer.id:
        raise MembershipError(_l("This person does not work for your company."))
    if member.role == MemberRole.OWNER:
        raise MembershipError(_l("Owners cannot be removed."))
    audit.record("employer.member_remove", employer, actor=by, user_id=member.user_id)
    db.session.delete(member)
    db.session.flush()


def link_expires_at(item: MemberInvite) -> datetime:
    """When the link last sent for ITEM stops working (each sending starts the days again)."""
    return item.created_at + timedelta(days=INVITE_VALID_DAYS)


def unanswered_invites(employer: Employer) -> tuple[list[MemberInvite], list[MemberInvite]]:
    """The invitations nobody accepted yet, newest first: those whose link still works, and
    those whose link expired (the owner may send them again)."""
    items = db.session.scalars(
        select(MemberInvite)
        .where(MemberInvite.employer_id == employer.id, MemberInvite.accepted_at.is_(None))
        .order_by(MemberInvite.created_at.desc())
    )
    now = utcnow()
    waiting, expired = [], []
    for item in items:
        (waiting if link_expires_at(item) > now else expired).append(item)
    return waiting, expired
