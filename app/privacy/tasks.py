"""Privacy jobs: building an export, and the hourly sweep (app/schedule.py) that erases
accounts whose grace period is over and deletes expired export files."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from app import audit, uploads
from app.database import lock, update_if
from app.extensions import db
from app.models import DataExport, ExportStatus, User, utcnow
from app.privacy import export, service
from app.worker import task


@task
def build_export(export_id: int) -> str:
    item = db.session.get(DataExport, export_id)
    if item is None or item.status != ExportStatus.PENDING:
        return "nothing to do"
    user = db.session.get(User, item.user_id)
    try:
        stored_name, size = export.write_zip(user)
    except OSError as exc:
        item.status = ExportStatus.FAILED
        audit.record("export.fail", item, actor=None, error=str(exc)[:200])
        db.session.commit()
        raise
    try:
        ready_at = utcnow()
        # Only a pending one: the account may have locked others out while the zip was being
        # written (export.revoke_exports), and a revoked export stays revoked.
        if not update_if(
            db.session,
            item,
            DataExport.status == ExportStatus.PENDING,
            stored_name=stored_name,
            size=size,
            status=ExportStatus.READY,
            ready_at=ready_at,
            expires_at=ready_at + timedelta(hours=current_app.config["EXPORT_VALID_HOURS"]),
        ):
            db.session.rollback()
            uploads.discard(stored_name)
            return "revoked meanwhile"
        audit.record("export.ready", item, actor=None, size=size)
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.discard(stored_name)
        raise
    return stored_name


@task
def sweep() -> dict[str, int]:
    """Erase every account whose grace period is over (each in its own transaction), and
    delete expired exports."""
    erased = 0
    for user_id in service.due_for_erasure():
        user = db.session.get(User, user_id)
        if user is None:
            continue
        lock(db.session, user)  # a cancel that came first wins; one that comes later waits
        if user.delete_after is not None and user.delete_after <= utcnow():
            # A colleague taking over a company is notified with a link (url_for needs a
            # request): a POST one, since it writes.
            with current_app.test_request_context(method="POST"):
                service.erase(user)
            erased += 1
        db.session.commit()
    expired = service.expire_exports()
    db.session.commit()
    return {"erased": erased, "exports_expired": expired}
