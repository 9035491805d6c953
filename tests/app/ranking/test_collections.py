"""The scorer reads cosines against each side of the marketplace as a whole: the statistics of
the published jobs' and the default résumés' stored vectors (app.ranking.collections)."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import EmbeddedKind, Embedding, JobStatus, Role
from app.ranking import service
from matching.collection import MIN_SIZE
from tests import factories


def _store(kind, object_id, rng) -> np.ndarray:
    title, text = rng.standard_normal((2, 512)).astype(np.float32)
    title /= np.linalg.norm(title)
    text /= np.linalg.norm(text)
    db.session.add(
        Embedding(
            kind=kind,
            object_id=object_id,
            model="usem3",
            digest="test",
            text_vector=text.tobytes(),
            title_vector=title.tobytes(),
        )
    )
    return title


def test_context_carries_the_published_jobs_and_the_resumes(app):
    app.config["MATCHING_EMBEDDINGS"] = True
    rng = np.random.default_rng(0)
    employer = factories.employer(factories.user(Role.EMPLOYER))
    titles = [
        _store(EmbeddedKind.JOB, factories.job(employer).id, rng) for _ in range(MIN_SIZE - 1)
    ]
    draft = factories.job(employer, status=JobStatus.DRAFT)
    _store(EmbeddedKind.JOB, draft.id, rng)
    db.session.commit()
    assert service.context().job_collection is None  # too few published jobs to say much

    titles.append(_store(EmbeddedKind.JOB, factories.job(employer).id, rng))
    db.session.commit()
    jobs = service.context().job_collection
    assert jobs is not None and jobs.size == MIN_SIZE  # the draft is not part of it
    np.testing.assert_allclose(jobs.title_mean, np.mean(titles, axis=0), atol=1e-5)

    for _ in range(MIN_SIZE):
        person = factories.user(Role.SEEKER)
        _store(EmbeddedKind.RESUME, factories.resume(person).id, rng)
    db.session.commit()
    ctx = service.context()
    assert ctx.candidate_collection.size == MIN_SIZE
    assert ctx.job_collection is jobs  # unchanged side: kept, not read again

    app.config["MATCHING_EMBEDDINGS"] = False
    ctx = service.context()
    assert ctx.job_collection is None and ctx.candidate_collection is None


def test_a_kept_collection_is_not_looked_at_again_within_its_seconds(app):
    app.config["MATCHING_EMBEDDINGS"] = True
    app.config["MATCHING_COLLECTION_SECONDS"] = 300
    rng = np.random.default_rng(1)
    employer = factories.employer(factories.user(Role.EMPLOYER))
    for _ in range(MIN_SIZE):
        _store(EmbeddedKind.JOB, factories.job(employer).id, rng)
    db.session.commit()
    jobs = service.context().job_collection
    assert jobs is not None and jobs.size == MIN_SIZE

    _store(EmbeddedKind.JOB, factories.job(employer).id, rng)
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert service.context().job_collection is jobs  # within 5 minutes: kept as it was
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    # (the résumés' side, with too few vectors for a collection, is looked at on every call)
    assert not [s for s in statements if "JOIN jobs" in s and "max(" in s.lower()]
    assert [s for s in statements if "JOIN resumes" in s and "max(" in s.lower()]

    app.config["MATCHING_COLLECTION_SECONDS"] = 0  # the while is over: the new job is seen
    assert service.context().job_collection.size == MIN_SIZE + 1
