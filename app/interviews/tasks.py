"""Interview reminders, run by RQ's scheduler 24 hours and 15 minutes before the start."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.interviews import service
from app.models import Interview
from app.worker import task


@task
def remind(interview_id: int, kind: str, planned_start: str) -> int:
    """Remind everybody taking part; a no-op if the interview was cancelled or moved since.

    Mail templates render through the app's context processors, which expect a request
    (the logged-in user); a worker has none, so it renders inside an anonymous one: a POST,
    since it writes (its transaction takes the write lock first, app/database.py).
    """
    with current_app.test_request_context(method="POST"):
        interview = db.session.get(Interview, interview_id)
        if interview is None:
            return 0
        sent = service.remind(interview, kind, planned_start)
        db.session.commit()
    return sent
