"""Stage 1 moves from the SQL prefilter to matching.Retriever when a region has more published
jobs than MATCHING_RETRIEVER_ABOVE (here 2 instead of ~100k)."""

from __future__ import annotations

from pathlib import Path

from app.extensions import db
from app.models import Dismissal, JobStatus, VerificationState, Visibility
from app.queue import DERIVED, get_queue
from app.ranking import embeddings, service, stage_one, tasks

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
    tasks.build_retrievers()
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
    tasks.build_retrievers()
    pool = service.people_pool(near[0])
    assert [r.id for r in pool] == [resume.id]  # the hidden résumé is never shown


def _builds_queued(app) -> int:
    queued = get_queue(app, DERIVED).get_jobs()
    return len([j for j in queued if j.func_name == "app.ranking.tasks.build_retrievers"])


def test_before_any_build_the_prefilter_answers_and_one_build_is_queued(app, worker):
    app.config["MATCHING_RETRIEVER_ABOVE"] = 2
    _person, resume, near, far = _region_with_a_far_job()
    # a page in a region that has just crossed the threshold must not build for minutes
    assert {j.id for j in service.job_pool(resume)} == {j.id for j in near}
    assert {j.id for j in service.job_pool(resume)} == {j.id for j in near}
    assert _builds_queued(app) == 1  # asked for twice, queued once
    worker(DERIVED)
    assert stage_one._newest_build("job") and stage_one._newest_build("candidate")
    assert {j.id for j in service.job_pool(resume)} == {*(j.id for j in near), far.id}


def _large(app):
    app.config["MATCHING_RETRIEVER_ABOVE"] = 2
    app.config["MATCHING_RETRIEVER_SYNC_SECONDS"] = 0


def test_the_retriever_follows_changes_without_a_rebuild(app):
    _large(app)
    _person, resume, near, far = _region_with_a_far_job()
    tasks.build_retrievers()
    assert set(stage_one.best_job_ids(resume)) == {*(j.id for j in near), far.id}
    retriever = stage_one._retriever("job")

    new = employer_with_job(region_code="420102")[2]
    near[0].status = JobStatus.CLOSED
    db.session.delete(near[1])
    # the cook's employer loses its approval: the job's own row does not change
    far.employer.verification_state = VerificationState.RETURNED
    db.session.commit()

    assert set(stage_one.best_job_ids(resume)) == {near[2].id, new.id}
    assert stage_one._retriever("job") is retriever  # the same one, changed in place
    assert len(retriever) == 2


def test_vectors_embedded_after_a_job_replace_its_unknown_ones(app):
    _large(app)
    app.config["MATCHING_EMBEDDINGS"] = True
    _region_with_a_far_job()
    tasks.build_retrievers()
    new = employer_with_job(region_code="420102")[2]
    with app.test_request_context():  # a page: jobs without stored vectors get zero ones
        retriever = stage_one._retriever("job")
        assert not retriever.cols.title_vec[retriever.label_of[new.id]].any()
    embeddings.refresh_many([new])  # what the worker does after the job was saved
    db.session.commit()
    with app.test_request_context():
        retriever = stage_one._retriever("job")
        assert retriever.cols.title_vec[retriever.label_of[new.id]].any()


def test_processes_start_from_the_workers_build(app):
    _large(app)
    _person, resume, near, far = _region_with_a_far_job()
    assert tasks.build_retrievers() == {
        "job": stage_one._newest_build("job"),
        "candidate": stage_one._newest_build("candidate"),
    }
    stage_one._kept.clear()  # a process started after the build
    later = employer_with_job(region_code="420102")[2]
    retriever = stage_one._retriever("job")
    assert len(retriever) == 5  # the build's four jobs and the one published since
    assert set(stage_one.best_job_ids(resume)) == {*(j.id for j in near), far.id, later.id}

    tasks.build_retrievers()
    assert stage_one._retriever("job") is not retriever  # the next build replaces it
    builds = sorted(p.name for p in Path(app.config["MATCHING_RETRIEVER_DIR"]).iterdir())
    assert len([b for b in builds if b.startswith("job-")]) == 2


def test_a_build_that_cannot_be_read_is_tried_once_and_rebuilt(app, worker, caplog):
    _large(app)
    _person, resume, near, far = _region_with_a_far_job()
    folder = Path(app.config["MATCHING_RETRIEVER_DIR"])
    folder.mkdir(parents=True)
    (folder / "job.current").write_text("job-1", "utf-8")  # removed before it was read
    assert stage_one.best_job_ids(resume) is None
    assert stage_one.best_job_ids(resume) is None
    assert len([r for r in caplog.records if "job-1" in r.getMessage()]) == 1
    assert _builds_queued(app) == 1
    worker(DERIVED)
    assert set(stage_one.best_job_ids(resume)) == {*(j.id for j in near), far.id}

    (folder / "job.current").write_text("job-2", "utf-8")
    retriever = stage_one._retriever("job")
    assert stage_one._retriever("job") is retriever  # a process keeps what it has
