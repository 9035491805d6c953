"""Writes to employers reach the index through their jobs' documents; only public jobs stay."""

from __future__ import annotations

from app.extensions import db
from app.indexing import service as search_index
from app.models import JobStatus, VerificationState
from app.queue import DERIVED
from search import SearchQuery
from tests import factories


def test_verifying_an_employer_makes_its_jobs_searchable(app, worker):
    employer = factories.employer(verified=False)
    job = factories.job(employer, title="电工")
    db.session.commit()
    worker(DERIVED)
    assert search_index.get_backend().search(SearchQuery(text="电工")).total == 0

    employer.verification_state = VerificationState.APPROVED
    db.session.commit()
    worker(DERIVED)
    hits = search_index.get_backend().search(SearchQuery(text="电工")).hits
    assert [h.id for h in hits] == [job.id]


def test_a_job_that_is_no_longer_public_leaves_the_index(app, worker):
    employer = factories.employer()
    kept, closed = factories.job(employer, title="焊工"), factories.job(employer, title="焊工")
    db.session.commit()
    worker(DERIVED)
    assert search_index.get_backend().search(SearchQuery(text="焊工")).total == 2

    closed.status = JobStatus.CLOSED
    db.session.commit()
    worker(DERIVED)
    hits = search_index.get_backend().search(SearchQuery(text="焊工")).hits
    assert [h.id for h in hits] == [kept.id]

    employer.verification_state = VerificationState.RETURNED
    db.session.commit()
    worker(DERIVED)
    assert search_index.get_backend().search(SearchQuery(text="焊工")).total == 0
