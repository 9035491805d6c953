"""Stage 1 moves from the SQL prefilter to matching.Retriever when a region has more published
jobs than MATCHING_RETRIEVER_ABOVE (here 2 instead of ~100k)."""

from __future__ import annotations

from app.extensions import db
from app.models import Dismissal, Visibility
from app.ranking import service, stage_one

from .helpers import employer_with_job, seeker


def _region_with_a_far_job():
    person, resume = seeker(region_code="420102")  # Wuhan, Java skills, not relocating
    near = [employer_with_job(region_code="420102")[2] for _ in range(3)]
    far = employer_with_job(title="厨师", skills=["烹饪"], region_code="520302")[2]
    return person, resume, near, far


def test_small_regions_keep_the_sql_prefilter(app):
    _person, resume, near, far = _region_with_a_far_job()
    assert not stage_one.large_region("420102")
    pool = service.job_pool(resume)
    assert {j.id for j in pool} == {j.id for j in near}  # the far cook job is not near


def test_large_regions_ask_the_retriever(app):
    app.config["MATCHING_RETRIEVER_ABOVE"] = 2
    person, resume, near, far = _region_with_a_far_job()
    db.session.add(Dismissal(user_id=person.id, job_id=near[0].id))
    db.session.commit()
    assert stage_one.large_region("420102")
    pool = service.job_pool(resume)
    ids = [j.id for j in pool]
    # every public job is a candidate now (the retriever scores them all), best first,
    # and the candidate's own exclusions still apply
    assert set(ids) == {near[1].id, near[2].id, far.id}
    assert ids[-1] == far.id
    assert [j.id for j, _s, _r in service.recommend_jobs(resume, pool)][0] != far.id


def test_people_to_invite_come_from_the_retriever_in_large_regions(app):
    app.config["MATCHING_RETRIEVER_ABOVE"] = 2
    _person, resume, near, _far = _region_with_a_far_job()
    _other, hidden = seeker(region_code="420102", visibility=Visibility.HIDDEN)
    db.session.commit()
    pool = service.people_pool(near[0])
    assert [r.id for r in pool] == [resume.id]  # the hidden résumé is never shown
