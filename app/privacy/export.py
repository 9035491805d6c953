"""What an export holds: every row about the user, as JSON, and their uploaded files; and
cancelling an account's exports when someone is locked out of it.

Each table is listed with the columns a person can understand; secrets (password and token
hashes, sign-in keys) are left out, and so is what others wrote about them privately
(recruiters' notes, scorecards), which is the employer's record.
"""

from __future__ import annotations

import json
import os
import secrets
import zipfile
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from app import audit, uploads
from app.extensions import db
from app.models import (
    ApiToken,
    Application,
    AuditEntry,
    BroadcastQuestion,
    BroadcastReminder,
    Conversation,
    DataExport,
    Dismissal,
    ExportStatus,
    Favourite,
    IdentityCheck,
    Interview,
    Invitation,
    JobReport,
    Message,
    Notification,
    Resume,
    ResumeFile,
    SavedSearch,
    SignIn,
    StageChange,
    User,
)

USER_FIELDS = (
    "id", "email", "name", "phone", "role", "region_code", "locale", "timezone",
    "email_confirmed_at", "created_at", "last_login_at", "privacy_notice_version",
    "privacy_accepted_at", "resume_consent_at", "notify_email", "delete_after",
)  # fmt: skip


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def row(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        column.key: plain(getattr(obj, column.key))
        for column in sa.inspect(type(obj)).columns
        if column.key not in exclude
    }


def rows(model: type, *where: Any, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    query = sa.select(model).where(*where).order_by(*sa.inspect(model).primary_key)
    return [row(obj, exclude) for obj in db.session.scalars(query)]


def collect(user: User) -> dict[str, Any]:
    """Everything held about USER, table by table."""
    applications = sa.select(Application.id).where(Application.candidate_id == user.id)
    conversations = sa.select(Conversation.id).where(Conversation.candidate_id == user.id)
    return {
        "account": {name: plain(getattr(user, name)) for name in USER_FIELDS},
        "resumes": rows(Resume, Resume.user_id == user.id),
        "resume_files": rows(ResumeFile, ResumeFile.user_id == user.id, exclude=("stored_name",)),
        "applications": rows(Application, Application.candidate_id == user.id),
        "application_history": rows(
            StageChange, StageChange.application_id.in_(applications), exclude=("actor_id",)
        ),
        "interviews": rows(
            Interview, Interview.application_id.in_(applications), exclude=("created_by_id",)
        ),
        "invitations": rows(Invitation, Invitation.candidate_id == user.id),
        "dismissed_jobs": rows(Dismissal, Dismissal.user_id == user.id),
        "favourite_jobs": rows(Favourite, Favourite.user_id == user.id),
        "saved_searches": rows(SavedSearch, SavedSearch.user_id == user.id),
        "conversations": rows(Conversation, Conversation.candidate_id == user.id),
        # Both sides of the candidate's conversations, and what the user wrote for a company.
        "messages": rows(
            Message,
            sa.or_(Message.conversation_id.in_(conversations), Message.sender_id == user.id),
            exclude=("sender_id",),
        ),
        "job_reports": rows(
            JobReport, JobReport.reporter_id == user.id, exclude=("resolved_by_id",)
        ),
        "identity_checks": identity_checks(user),
        "broadcast_questions": rows(BroadcastQuestion, BroadcastQuestion.author_id == user.id),
        "broadcast_reminders": rows(BroadcastReminder, BroadcastReminder.user_id == user.id),
        "notifications": rows(Notification, Notification.user_id == user.id),
        "signed_in_devices": rows(SignIn, SignIn.user_id == user.id, exclude=("key_hash",)),
        "api_tokens": rows(ApiToken, ApiToken.user_id == user.id, exclude=("token_hash",)),
        "actions_recorded": rows(AuditEntry, AuditEntry.actor_id == user.id),
        "changes_to_account_recorded": rows(
            AuditEntry,
            AuditEntry.object_type == "users",
            AuditEntry.object_id == str(user.id),
            AuditEntry.actor_id.is_distinct_from(user.id),
            exclude=("actor_id", "ip"),
        ),
    }


def identity_checks(user: User) -> list[dict[str, Any]]:
    """The video identity checks USER took for their company: when, the automated outcome,
    the decision and its reasons, how many snapshots are kept. Not who decided (the
    official's account is theirs), nor the snapshot files' names (internal)."""
    checks = db.session.scalars(
        sa.select(IdentityCheck)
        .where(IdentityCheck.started_by_id == user.id)
        .order_by(IdentityCheck.id)
    )
    return [
        {
            **row(check, exclude=("started_by_id", "decided_by_id", "snapshots")),
            "employer": check.employer.name,
            "snapshots_kept": len(check.snapshots),
        }
        for check in checks
    ]


def write_zip(user: User) -> tuple[str, int]:
    """Write USER's export into the upload folder; returns (stored name, size)."""
    data = collect(user)
    files = list(db.session.scalars(sa.select(ResumeFile).where(ResumeFile.user_id == user.id)))
    stored_name = secrets.token_hex(16) + ".zip"
    target = uploads.folder() / stored_name
    temp = target.with_name(".incoming-" + stored_name)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "yunpin-data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
            )
            for item in files:
                try:
                    path = uploads.path_of(item.stored_name)
                except FileNotFoundError:
                    continue
                if path.is_file():
                    safe = os.path.basename(item.filename.replace("\\", "/")) or "upload"
                    archive.write(path, f"files/resume-files/{item.id}-{safe}")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return stored_name, target.stat().st_size


def revoke_exports(user: User, reason: str) -> int:
    """Cancel USER's exports still being built or ready to download; returns how many.

    Called wherever the account locks others out (a password change or reset, "sign out other
    devices"; REASON names that action's audit code): a download link works without signing
    in, so whoever had the account may have asked for one and kept its link. The files are
    deleted and the rows stay, revoked, so the settings page says why; revoked exports do not
    count against the hourly allowance, and the owner may ask again at once."""
    live = db.session.scalars(
        sa.select(DataExport)
        .where(
            DataExport.user_id == user.id,
            DataExport.status.in_((ExportStatus.PENDING, ExportStatus.READY)),
        )
        # A worker finishing one at this moment either committed first (its file is deleted
        # here) or finds it revoked (app.privacy.tasks.build_export updates only a pending one).
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for export in live:
        uploads.discard(export.stored_name)
        export.status = ExportStatus.REVOKED
        export.stored_name = None
        audit.record("export.revoke", export, actor=user, reason=reason)
    return len(live)
