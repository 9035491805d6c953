"""Recording audited actions in the append-only audit log, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEntry


def record(action: str, obj: Any, actor=None, **data: Any) -> AuditEntry:
    """Add an audit entry for ACTION on OBJ; it commits (or rolls back) with the change itself."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        # read through the instance: OBJ may be a proxy such as current_user
        object_type=getattr(obj, "__tablename__", None) or str(obj),
        object_id=str(getattr(obj, "id", getattr(obj, "code", ""))),
        data=data,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
