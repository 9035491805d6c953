"""Writes to employers reach the index through their jobs' documents."""

from __future__ import annotations

from app.extensions import db
from app.indexing import service as search_index
from app.models import VerificationState
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
