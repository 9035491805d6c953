"""Rollups equal the counts taken straight from the raw tables, at every level."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Application, Job, RollupCount, Stage, in_subtree
from app.officials.rollups import recompute
from app.officials.scope import Scope
from tests.officials.helpers import populate


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_direct_counts(app, seed):
    populate(random.Random(seed))
    recompute(db.session)
    db.session.commit()
    for focus in ["", "42", "4201", "420102", "420102001", "420102001001", "420103", "52"]:
        scope = Scope("", focus)

        def rolled(metric, scope=scope):
            return db.session.scalar(
                scope.rollup_rows([metric]).with_only_columns(sa.func.coalesce(sa.func.sum(RollupCount.value), 0))
            )

        direct_apps = db.session.scalar(scope.applications().with_only_columns(sa.func.count()))
        direct_hires = db.session.scalar(
            scope.applications().where(Application.stage == Stage.HIRED).with_only_columns(sa.func.count()))
        direct_jobs = db.session.scalar(
            sa.select(sa.func.count()).select_from(Job).where(
                Job.published_at.is_not(None), *([in_subtree(Job.region_code, focus)] if focus else [])))
        assert rolled("applications") == direct_apps, focus
        assert rolled("hires") == direct_hires, focus
        assert rolled("jobs_posted") == direct_jobs, focus
