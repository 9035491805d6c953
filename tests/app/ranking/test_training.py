"""`yunpin train match`: outcomes become labels; each direction's model is installed only when
it is not worse."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from app.cli import main
from app.extensions import db
from app.models import Application, Dismissal, Role, Stage
from app.ranking import outcomes, service, training
from matching import learn
from tests import factories

from .helpers import employer_with_job

START = datetime(2026, 1, 1)


def _person(headline: str, skills: list[str]):
    person = factories.user(Role.SEEKER)
    factories.resume(person, headline=headline, skills=skills, region_code="420102")
    return person


def _jobs_with_outcomes(n: int, chef_hired_until: int = 0) -> None:
    """N Java jobs, each with a Java developer and a cook as candidates. Jobs before
    CHEF_HIRED_UNTIL hire the cook (outcomes that contradict every feature); the others hire
    the developer. The cook always applied first (so an uninformed ranking puts them on top)."""
    for i in range(n):
        _owner, _employer, job = employer_with_job(
            title="Java开发工程师", skills=["Java", "Spring"]
        )
        dev, cook = _person("Java开发工程师", ["Java", "Spring"]), _person("厨师", ["烹饪"])
        at = START + timedelta(days=i)
        good, bad = (
            (Stage.REJECTED, Stage.HIRED) if i < chef_hired_until else (Stage.HIRED, Stage.REJECTED)
        )
        factories.application(cook, job, stage=bad, updated_at=at)
        factories.application(dev, job, stage=good, updated_at=at)
    db.session.commit()


def test_outcomes_are_graded_and_dismissals_count_as_not_interested(app):
    _owner, _employer, job = employer_with_job()
    hired, dismisser = _person("Java开发工程师", ["Java"]), _person("厨师", ["烹饪"])
    factories.application(hired, job, stage=Stage.HIRED)
    db.session.add(Dismissal(user_id=dismisser.id, job_id=job.id))
    db.session.commit()
    got = {(o.job_id, o.candidate_id): o.grade for o in outcomes.collect().values()}
    assert got == {(job.id, hired.id): 3, (job.id, dismisser.id): 0}


def test_a_registered_signal_source_adds_labels(app):
    _owner, _employer, job = employer_with_job()
    person = _person("Java开发工程师", ["Java"])
    db.session.commit()

    def replies():  # what the conversations feature registers: the candidate replied
        yield outcomes.Outcome(job.id, person.id, 1, START)

    outcomes.register(replies)
    try:
        assert outcomes.collect()[(job.id, person.id)].grade == 1
    finally:
        outcomes.SOURCES.remove(replies)


def _seekers_with_outcomes(n: int) -> None:
    """N Java developers, each applying to a Java job and dismissing a cook's job ("not
    interested") the same day: each seeker's jobs have mixed grades, each job's do not."""
    _owner, _employer, java = employer_with_job(title="Java开发工程师", skills=["Java", "Spring"])
    _owner, _employer, kitchen = employer_with_job(title="厨师", skills=["烹饪"])
    for i in range(n):
        dev = _person("Java开发工程师", ["Java", "Spring"])
        at = START + timedelta(days=i)
        db.session.add(Dismissal(user_id=dev.id, job_id=kitchen.id, created_at=at))
        factories.application(dev, java, stage=Stage.NEW, updated_at=at)
    db.session.commit()


def test_too_few_outcomes_train_nothing(app, runner):
    _jobs_with_outcomes(3)
    result = runner.invoke(main, ["train", "match"])
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert report["job2cand"] == {
        "queries": 3,
        "min_queries": training.MIN_QUERIES,
        "installed": False,
        "reason": "not enough outcomes",
    }
    # each candidate has one outcome: nothing for a seeker's ranking to learn from
    assert report["cand2job"]["queries"] == 0 and report["cand2job"]["installed"] is False
    assert service.current_models() == {}


def test_a_model_trained_on_outcomes_is_installed_and_used(app, runner):
    _jobs_with_outcomes(8)
    result = runner.invoke(main, ["train", "match", "--min-queries", "6"])
    report = json.loads(result.output)["job2cand"]
    assert report["installed"] is True, report
    assert report["train"] == 5 and report["validation"] + report["test"] == 3
    path = service.model_path("job2cand")
    assert service.context().models == {"job2cand": path}  # recommendations keep the shipped one
    assert learn.load(path, "job2cand") is not None


def test_seekers_outcomes_train_the_recommendations_model(app):
    _seekers_with_outcomes(8)
    report = training.retrain(min_queries=6)
    assert report["job2cand"]["queries"] == 0 and report["job2cand"]["installed"] is False
    assert report["cand2job"]["installed"] is True, report
    assert report["cand2job"]["train"] == 5
    path = service.model_path("cand2job")
    assert service.context().models == {"cand2job": path}
    assert learn.load(path, "cand2job") is not None


def test_the_previous_model_stays_when_the_new_one_is_worse(app, runner):
    # the previous model (here: the shipped one) ranks developers first for a Java job
    path = service.model_path("job2cand")
    os.makedirs(app.instance_path, exist_ok=True)
    shutil.copy(learn.default_path("job2cand"), path)
    before = Path(path).read_bytes()
    # older outcomes (the training split) hire the cook; the newest hire the developer
    _jobs_with_outcomes(10, chef_hired_until=7)
    report = training.retrain(min_queries=6)["job2cand"]
    assert report["installed"] is False, report
    assert report["ndcg_new"] < report["ndcg_current"]
    assert report["reason"] == "the new model ranks the held-out queries worse"
    assert Path(path).read_bytes() == before
    assert db.session.query(Application).count() == 20
