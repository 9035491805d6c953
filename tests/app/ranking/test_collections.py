"""The scorer reads cosines against each side of the marketplace as a whole: the statistics of
the published jobs' and the default résumés' stored vectors (app.ranking.collections)."""

from __future__ import annotations

import numpy as np

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
