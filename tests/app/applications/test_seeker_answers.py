"""The candidate's own application page shows each screening question above its answer."""

from __future__ import annotations

import re

from app.models import Role
from tests import factories
from tests.web import as_user


def test_each_answer_is_shown_under_its_question(client):
    job = factories.job(
        factories.employer(),
        screening_questions=["能否接受倒班？", "最快何时到岗？"],
    )
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job, answers=["可以", "下周一"])
    as_user(client, candidate)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    pairs = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page)
    assert pairs == [("能否接受倒班？", "可以"), ("最快何时到岗？", "下周一")]


def test_an_answer_whose_question_was_removed_is_still_shown(client):
    job = factories.job(factories.employer(), screening_questions=["能否接受倒班？"])
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    application = factories.application(candidate, job, answers=["可以", "下周一"])
    as_user(client, candidate)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "<dt>能否接受倒班？</dt><dd>可以</dd>" in page and "<dd>下周一</dd>" in page
