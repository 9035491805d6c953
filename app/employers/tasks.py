"""Employer jobs: revoking fast-track approvals whose documents check is overdue (where the
region's rule asks for it); hourly, from app/schedule.py."""

from __future__ import annotations

from flask import current_app

from app.employers import fast_track
from app.extensions import db
from app.worker import task


@task
def revoke_overdue() -> int:
    # Notifications link to pages (url_for needs a request): a POST one, since it writes.
    with current_app.test_request_context(method="POST"):
        revoked = fast_track.revoke_overdue()
        db.session.commit()
    return revoked
