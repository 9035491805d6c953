"""Privacy jobs: building an export, and the hourly sweep that erases accounts whose grace
period is over and deletes expired export files (started by `yunpin run`, re-queued hourly;
it also queues the fast track's overdue revocations, app.employers.tasks)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from app import audit, uploads
from app.extensions import db
from app.models import DataExport, ExportStatus, User, utcnow
from app.privacy import export, service
from app.queue import DERIVED, get_queue
from app.redis_store import get_redis
from app.worker import task

SWEEP_EVERY = timedelta(hours=1)
SCHEDULED_KEY = "yunpin:privacy:sweep-scheduled"
"""Set while a sweep is queued, so restarting `yunpin run` does not start a second chain."""


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
        item.stored_name, item.size = stored_name, size
        item.status = ExportStatus.READY
        item.ready_at = utcnow()
        item.expires_at = item.ready_at + timedelta(hours=current_app.config["EXPORT_VALID_HOURS"])
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
        if user is not None and user.delete_after is not None and user.delete_after <= utcnow():
            service.erase(user)
            db.session.commit()
            erased += 1
    expired = service.expire_exports()
    db.session.commit()
    return {"erased": erased, "exports_expired": expired}


@task
def sweep_hourly() -> dict[str, int]:
    try:
        return sweep()
    finally:
        get_queue(current_app, DERIVED).enqueue("app.employers.tasks.revoke_overdue")
        get_queue(current_app, DERIVED).enqueue_in(SWEEP_EVERY, "app.privacy.tasks.sweep_hourly")
        get_redis(current_app).set(SCHEDULED_KEY, 1, ex=int(SWEEP_EVERY.total_seconds()) + 3600)


def ensure_scheduled(app: Flask) -> bool:
    """Queue the sweep now unless a chain is already running; True when queued."""
    if not get_redis(app).set(
        SCHEDULED_KEY, 1, nx=True, ex=int(SWEEP_EVERY.total_seconds()) + 3600
    ):
        return False
    get_queue(app, DERIVED).enqueue("app.privacy.tasks.sweep_hourly")
    return True
