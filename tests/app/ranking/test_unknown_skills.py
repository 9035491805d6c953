"""`yunpin skills unknown`: typed skills the vocabulary lacks, most used first."""

from __future__ import annotations

import json

from app.cli import main
from app.extensions import db
from app.models import JobStatus, Role
from tests import factories

from .helpers import employer_with_job


def test_unknown_skills_are_counted_per_list_and_named_as_most_people_type_them(app, runner):
    _owner, employer, _job = employer_with_job(skills=["Java", "Haskell", "haskell", "叉车证"])
    factories.job(employer, status=JobStatus.DRAFT, skills=["Erlang", "Haskell"])
    seeker = factories.user(Role.SEEKER)
    factories.resume(seeker, skills=["HASKELL", "SpringBoot", " Erlang ", ""])
    db.session.commit()

    result = runner.invoke(main, ["skills", "unknown", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        # one job listing Haskell twice counts once; vocabulary skills (Java, SpringBoot,
        # 叉车证) and empty entries are not listed
        {"skill": "Haskell", "jobs": 2, "resumes": 1, "spellings": 3},
        {"skill": "Erlang", "jobs": 1, "resumes": 1, "spellings": 1},
    ]


def test_the_table_is_cut_at_the_limit(app, runner):
    _owner, _employer, _job = employer_with_job(skills=["Haskell", "Erlang", "Elixir"])
    db.session.commit()

    result = runner.invoke(main, ["skills", "unknown", "--limit", "2"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["jobs", "résumés", "spellings", "skill"]
    assert [line.split()[-1] for line in lines[1:]] == ["Elixir", "Erlang"]
    assert runner.invoke(main, ["skills", "unknown", "--limit", "0"]).exit_code == 2
