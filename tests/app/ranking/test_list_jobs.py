"""The embeddings flush leaves recommendation lists to jobs of their own, newest first, so a
résumé saved while many lists wait (the demo's first backlog) is not stuck behind them."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import RecommendationList
from app.queue import DERIVED, get_queue
from app.ranking.tasks import flush

from .helpers import employer_with_job, seeker

LIST_JOB = "app.ranking.tasks.refresh_recommendations"


def test_a_new_resume_s_list_goes_before_the_lists_already_waiting(app, worker):
    employer_with_job(title="Java开发工程师", skills=["Java"])
    waiting = [seeker(summary=f"Java开发 {n}")[0] for n in range(3)]
    queue = get_queue(app, DERIVED)
    queue.empty()  # the flush those writes queued: run here, as a worker would
    assert flush() == {"embedded": 0, "lists": 3}
    assert sorted(job.args[0] for job in queue.jobs) == sorted(p.id for p in waiting)
    assert all(job.func_name == LIST_JOB for job in queue.jobs)

    late, _ = seeker(summary="Java开发，刚更新的简历")
    # The new résumé's flush is queued before the three lists, and queues its list first.
    assert [job.func_name for job in queue.jobs] == ["app.ranking.tasks.flush"] + [LIST_JOB] * 3
    assert worker(DERIVED) >= 5

    rows = select(RecommendationList.user_id, RecommendationList.computed_at)
    computed = dict(db.session.execute(rows).all())
    assert set(computed) == {late.id, *(p.id for p in waiting)}
    assert computed[late.id] <= min(computed[p.id] for p in waiting)
    assert db.session.get(RecommendationList, late.id).items  # the job is recommended
