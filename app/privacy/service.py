"""Consents, exports, deletion and the password: the rules behind the privacy settings.

Deletion has a grace period (DELETION_GRACE_DAYS, 7): the account keeps working and the
person can cancel; afterwards :func:`erase` removes what is personal and keeps, anonymised,
what employers and statistics keep (applications, interviews, the audit log, which is
append-only and names accounts by id).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import audit, uploads
from app.accounts.service import revoke_all_tokens
from app.database import lock, update_if
from app.employers import ownership
from app.errors import DomainError
from app.extensions import db
from app.identity import service as identity
from app.interviews.revocation import revoke_room_access
from app.models import (
    ApiToken,
    Application,
    AuditEntry,
    BroadcastQuestion,
    BroadcastReminder,
    Conversation,
    DataExport,
    Dismissal,
    EmployerMember,
    ExportStatus,
    Favourite,
    Interview,
    Invitation,
    Message,
    Notification,
    QuestionStatus,
    RecommendationList,
    Resume,
    ResumeFile,
    SavedSearch,
    Side,
    SignIn,
    User,
    Visibility,
    utcnow,
)
from app.privacy.export import revoke_exports
from app.privacy.notice import NOTICE_VERSION
from app.queue import defer
from app.security import check_password, hash_password, sign_out_everywhere


class PrivacyError(DomainError):
    status = 422


ERASED_NAME = "已注销用户"
"""The name an erased account shows where employers keep its applications."""

ERASED_MESSAGE = "erased"
"""The kind of a chat message whose text was erased with its author's account."""

HOUR = timedelta(hours=1)


# --- consent -------------------------------------------------------------------------------


def needs_notice(user: User) -> bool:
    return (user.privacy_notice_version or 0) < NOTICE_VERSION


def accept_notice(user: User, via: str) -> None:
    user.privacy_notice_version = NOTICE_VERSION
    user.privacy_accepted_at = utcnow()
    audit.record("consent.privacy_notice", user, actor=user, version=NOTICE_VERSION, via=via)


def public_resumes(user: User) -> list[Resume]:
    return list(
        db.session.scalars(
            sa.select(Resume).where(
                Resume.user_id == user.id, Resume.visibility == Visibility.PUBLIC
            )
        )
    )


def resume_consent_given(user: User) -> bool:
    """Consent is on record, or a résumé is public (chosen before consents were recorded)."""
    return user.resume_consent_at is not None or bool(public_resumes(user))


def set_resume_consent(user: User, given: bool, via: str) -> list[int]:
    """Give or withdraw consent to employers finding the résumé. Withdrawing makes every
    public résumé of USER visible only to employers applied to; returns their ids."""
    changed: list[int] = []
    if given:
        if user.resume_consent_at is not None:
            return []
        user.resume_consent_at = utcnow()
    else:
        for resume in public_resumes(user):
            resume.visibility = Visibility.APPLIED  # through the ORM: the index follows
            changed.append(resume.id)
        if user.resume_consent_at is None and not changed:
            return []
        user.resume_consent_at = None
    audit.record("consent.resume_visibility", user, actor=user, given=given, via=via)
    return changed


# --- export ----------------------------------------------------------------------------------


EXPORTS_PER_HOUR = 5
"""Exports one account may ask for in an hour, through the pages and the API together: each
one is a worker's zip of everything held about the person."""


def request_export(user: User, via: str) -> DataExport:
    """Queue a zip of everything held about USER; a worker builds it. While one asked for in
    the last hour is still being built, that one is the answer (an older pending one is taken
    for lost: its job failed for good); past EXPORTS_PER_HOUR in an hour, PrivacyError (429)."""
    # Counted in the database under the account's row lock, so requests at once (several
    # tabs, a script) queue here and each sees what the one before it added.
    lock(db.session, user)
    recent = list(
        db.session.scalars(
            sa.select(DataExport)
            .where(
                DataExport.user_id == user.id,
                DataExport.created_at > utcnow() - HOUR,
                # the owner, having locked someone out, asks again at once (export.revoke_exports)
                DataExport.status != ExportStatus.REVOKED,
            )
            .order_by(DataExport.id.desc())
        )
    )
    pending = [e for e in recent if e.status == ExportStatus.PENDING]
    if pending:
        return pending[0]
    if len(recent) >= EXPORTS_PER_HOUR:
        raise PrivacyError(
            _l(
                "You can ask for %(num)d copies of your data an hour. Please try again later.",
                num=EXPORTS_PER_HOUR,
            ),
            429,
        )
    export = DataExport(user_id=user.id, status=ExportStatus.PENDING)
    db.session.add(export)
    db.session.flush()
    audit.record("export.request", export, actor=user, via=via)
    defer("app.privacy.tasks.build_export", export.id, job_timeout=600)
    return export


def _export_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="yunpin-export")


def export_token(export: DataExport) -> str:
    """The download link's token: it names the export and its file, so a link to an
    expired or replaced file never works."""
    return _export_signer().dumps({"id": export.id, "file": export.stored_name})


def read_export_token(token: str) -> DataExport | None:
    """The ready, unexpired export TOKEN names, else None."""
    max_age = current_app.config["EXPORT_VALID_HOURS"] * 3600
    try:
        data = _export_signer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    export = db.session.get(DataExport, data["id"]) if data["id"] < 2**31 else None
    if (
        export is None
        or export.status != ExportStatus.READY
        or export.stored_name != data.get("file")
        or export.expires_at is None
        or export.expires_at <= utcnow()
    ):
        return None
    return export


def user_exports(user: User) -> list[DataExport]:
    return list(
        db.session.scalars(
            sa.select(DataExport)
            .where(DataExport.user_id == user.id)
            .order_by(DataExport.id.desc())
            .limit(10)
        )
    )


def expire_exports() -> int:
    """Delete the files of exports past their time; returns how many."""
    expired = list(
        db.session.scalars(
            sa.select(DataExport).where(
                DataExport.status == ExportStatus.READY, DataExport.expires_at <= utcnow()
            )
        )
    )
    for export in expired:
        uploads.discard(export.stored_name)
        export.status = ExportStatus.EXPIRED
        export.stored_name = None
    return len(expired)


# --- deletion --------------------------------------------------------------------------------


def request_deletion(user: User, via: str) -> None:
    """Erase USER after the grace period unless they cancel; other devices are signed out.

    Employers stop finding the résumé at once, not after the grace period: the request
    withdraws the consent to being found (as the settings do), and the request's audit entry
    names the résumés that hid, so that :func:`cancel_deletion` can show them again."""
    days = current_app.config["DELETION_GRACE_DAYS"]
    if update_if(
        db.session,
        user,
        User.delete_after.is_(None),
        User.deleted_at.is_(None),
        delete_after=utcnow() + timedelta(days=days),
    ):
        hidden = set_resume_consent(user, False, via=via)
        audit.record(
            "account.delete_request", user, actor=user, via=via, days=days, resumes_hidden=hidden
        )
    sign_out_everywhere(user, keep_current=True)


def cancel_deletion(user: User) -> bool:
    """Keep the account; False when nothing was pending, or it was erased meanwhile (the
    erasure clears the date in the same transaction, so a cancel never "succeeds" after it).
    The résumés the request hid from employers are public again, unless their owner chose
    another visibility meanwhile."""
    if not update_if(db.session, user, User.delete_after.is_not(None), delete_after=None):
        return False
    audit.record("account.delete_cancel", user, actor=user)
    hidden = db.session.scalars(
        sa.select(Resume).where(
            Resume.id.in_(hidden_for_deletion(user)),
            Resume.user_id == user.id,
            Resume.visibility == Visibility.APPLIED,
        )
    ).all()
    for resume in hidden:
        resume.visibility = Visibility.PUBLIC  # through the ORM: the index follows
    if hidden:
        set_resume_consent(user, True, via="settings")  # the consent the request withdrew
    return True


def hidden_for_deletion(user: User) -> list[int]:
    """The résumés USER's latest deletion request hid from employers, and those saved or
    created as public since (:func:`keep_hidden_while_deleting`). The append-only audit
    entries are the record: no column has to keep it through the grace period."""
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.data)
        .where(
            AuditEntry.action.in_(("account.delete_request", "account.delete_hide")),
            AuditEntry.object_type == User.__tablename__,
            AuditEntry.object_id == str(user.id),
        )
        .order_by(AuditEntry.id.desc())
    )
    hidden: list[int] = []
    for action, data in entries:
        hidden[:0] = [int(i) for i in (data or {}).get("resumes_hidden", [])]
        if action == "account.delete_request":
            return hidden
    return []


def keep_hidden_while_deleting(user: User, resume: Resume) -> None:
    """While USER's deletion is pending, a résumé saved or created as public (the builder, an
    uploaded draft, the API) stays with the employers applied to, like those the request hid,
    and comes back with them on a cancel."""
    if user.delete_after is None:
        return
    db.session.flush()  # a new résumé gets its id and its default visibility (public)
    if resume.visibility != Visibility.PUBLIC:
        return
    resume.visibility = Visibility.APPLIED  # through the ORM: the index follows
    if resume.id not in hidden_for_deletion(user):
        audit.record("account.delete_hide", user, actor=user, resumes_hidden=[resume.id])


def erase(user: User) -> None:
    """Remove USER's personal data for good; applications employers keep stay as anonymised
    records (no résumé, no answers, the erased name), identity checks as the company's record
    (no snapshots)."""
    files = list(
        db.session.scalars(sa.select(ResumeFile.stored_name).where(ResumeFile.user_id == user.id))
    )
    files += [
        name
        for name in db.session.scalars(
            sa.select(DataExport.stored_name).where(DataExport.user_id == user.id)
        )
        if name
    ]
    for model in (
        ResumeFile,
        DataExport,
        Notification,
        SignIn,
        ApiToken,
        Dismissal,
        RecommendationList,
        SavedSearch,
        Favourite,
        BroadcastReminder,
    ):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    # The employer keeps its conversations with the candidate, without what the candidate
    # wrote (messages, the shared résumé's title) or agreed to share.
    conversations = sa.select(Conversation.id).where(Conversation.candidate_id == user.id)
    db.session.execute(
        sa.update(Message)
        .where(Message.conversation_id.in_(conversations), Message.side == Side.CANDIDATE)
        .values(text="", kind=ERASED_MESSAGE)
    )
    db.session.execute(
        sa.update(Conversation)
        .where(Conversation.candidate_id == user.id)
        .values(candidate_shares_contact=False, candidate_wechat="")
    )
    # A member gives the company's WeChat ID when agreeing to exchange contacts (the
    # "contact" message they sent): an erased member's ID goes, the company's agreement stays.
    db.session.execute(
        sa.update(Conversation)
        .where(
            Conversation.id.in_(
                sa.select(Message.conversation_id).where(
                    Message.sender_id == user.id,
                    Message.side == Side.EMPLOYER,
                    Message.kind == "contact",
                )
            )
        )
        .values(employer_wechat="")
    )
    # Live-stream questions: the text goes and the row stays (without its author), so a
    # broadcast's figures and votes still add up; an unanswered one leaves the public list,
    # having nothing left to show, and an answered one keeps the host's answer.
    questions = sa.update(BroadcastQuestion).where(BroadcastQuestion.author_id == user.id)
    db.session.execute(
        questions.where(BroadcastQuestion.status != QuestionStatus.ANSWERED).values(
            status=QuestionStatus.REJECTED, pinned=False
        )
    )
    db.session.execute(questions.values(body="", author_id=None))
    db.session.execute(sa.delete(Invitation).where(Invitation.candidate_id == user.id))
    # Their face in identity-check snapshots; those a company's verification still waits on
    # go with the official's decision instead.
    identity.forget_person(user, current_app.config["VIDEO_SNAPSHOT_DIR"])
    revoke_room_access(user, "erased")  # while its memberships still name its rooms
    ownership.hand_over(user)  # the company stays: a colleague takes over, or nobody yet
    db.session.execute(sa.delete(EmployerMember).where(EmployerMember.user_id == user.id))
    for resume in db.session.scalars(sa.select(Resume).where(Resume.user_id == user.id)):
        db.session.delete(resume)  # through the ORM: the search index follows deletions
    db.session.execute(
        sa.update(Application)
        .where(Application.candidate_id == user.id)
        .values(answers=[], resume_id=None)
    )
    forget_name_in_notifications(user)
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}@erased.invalid"
    user.phone = None
    user.password_hash = "!" + secrets.token_hex(16)  # no password matches
    user.region_code = None if user.role.value != "official" else user.region_code
    user.locale = None
    user.active = False
    user.resume_consent_at = None
    user.notify_email = False
    user.delete_after = None
    user.deleted_at = utcnow()
    audit.record("account.erase", user, actor=None, files=len(files))
    db.session.flush()
    for name in files:
        uploads.discard(name)


NAMING_KINDS = ("application_received", "interview_scheduled")
"""Notifications that name the candidate (their text is rendered from the stored name)."""


def forget_name_in_notifications(user: User) -> int:
    """Replace USER's name in the notifications employers got about their applications and
    interviews (found by their links); returns how many."""
    applications = list(
        db.session.scalars(sa.select(Application.id).where(Application.candidate_id == user.id))
    )
    interviews = db.session.scalars(
        sa.select(Interview.id).where(Interview.application_id.in_(applications))
    )
    links = [f"/video/interviews/{i}" for i in interviews] + [
        url_for("applications.review", application_id=a) for a in applications
    ]
    notes = db.session.scalars(
        sa.select(Notification).where(
            Notification.kind.in_(NAMING_KINDS), Notification.link.in_(links)
        )
    )
    changed = 0
    for note in notes:
        note.params = {**note.params, "candidate": ERASED_NAME}
        changed += 1
    return changed


def due_for_erasure() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.delete_after.is_not(None), User.delete_after <= utcnow())
        )
    )


# --- password --------------------------------------------------------------------------------


def change_password(user: User, current: str, new: str) -> tuple[int, int]:
    """Set USER's password after checking the current one; every other device is signed out,
    every API token and data export revoked (whoever knew the old password). Returns how many
    sign-ins ended and how many tokens were revoked."""
    if not check_password(user, current):
        raise PrivacyError(_l("Your current password is not correct."), 403)
    user.password_hash = hash_password(new)
    ended = sign_out_everywhere(user, keep_current=True)
    revoked = revoke_all_tokens(user)
    revoke_exports(user, reason="user.password_change")
    audit.record("user.password_change", user, actor=user, signed_out=ended, tokens_revoked=revoked)
    return ended, revoked


def sign_ins(user: User) -> list[SignIn]:
    return list(
        db.session.scalars(
            sa.select(SignIn).where(SignIn.user_id == user.id).order_by(SignIn.id.desc())
        )
    )
