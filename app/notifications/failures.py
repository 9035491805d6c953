"""Mail that could not be delivered after every retry (app.notifications.mail.MAIL_RETRY):
the jobs stay in RQ's failed-job registry, where administrators see why and send them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rq import Queue
from rq.job import Job

DELIVER = "app.notifications.tasks.deliver"


@dataclass(frozen=True)
class FailedMail:
    job_id: str
    to: str
    subject: str
    reason: str
    failed_at: datetime | None


def _reason(job: Job) -> str:
    """The last line of the error the last try ended with (e.g. ConnectionRefusedError: …)."""
    result = job.latest_result()
    text = (result.exc_string if result is not None else "") or ""
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def _mail_jobs(queue: Queue) -> list[Job]:
    ids = queue.failed_job_registry.get_job_ids()
    jobs = Job.fetch_many(ids, connection=queue.connection)
    return [job for job in jobs if job is not None and job.func_name == DELIVER]


def failed_mail(queue: Queue) -> list[FailedMail]:
    """Undelivered mail on QUEUE, the latest failure first."""
    items = [
        FailedMail(
            job_id=job.id,
            to=str(job.args[0]),
            subject=str(job.args[1]),
            reason=_reason(job),
            failed_at=job.ended_at,
        )
        for job in _mail_jobs(queue)
        if len(job.args) >= 2
    ]
    return sorted(
        items, key=lambda item: item.failed_at.timestamp() if item.failed_at else 0, reverse=True
    )


def retry(queue: Queue, job_id: str) -> bool:
    """Send failed mail JOB_ID again (back on the queue); False when there is no such mail."""
    if job_id not in {job.id for job in _mail_jobs(queue)}:
        return False
    queue.failed_job_registry.requeue(job_id)
    return True
