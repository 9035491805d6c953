"""Employers' résumé search through the engine: visibility and masking as on the DB path."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Role, Visibility
from app.queue import DERIVED
from tests import factories
from tests.web import login


def setup_candidates():
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner)
    job = factories.job(employer)
    seekers = {}
    for name, visibility, phone, applied in (
        ("public", Visibility.PUBLIC, "13800000001", False),
        ("applied_only", Visibility.APPLIED, "13800000002", False),
        ("hidden_applicant", Visibility.HIDDEN, "13800000003", True),
        ("hidden", Visibility.HIDDEN, "13800000004", False),
    ):
        seeker = factories.user(Role.SEEKER)
        factories.resume(
            seeker,
            headline=f"Java工程师 {name}",
            visibility=visibility,
            contact_phone=phone,
            summary=f"联系我 {phone}",
        )
        if applied:
            factories.application(seeker, job)
        seekers[name] = seeker
    db.session.commit()
    return owner


def test_engine_search_respects_visibility_and_masks_contacts(client, worker):
    owner = setup_candidates()
    worker(DERIVED)
    login(client, owner.email, factories.PASSWORD)
    page = client.get("/resumes/search?q=java").get_data(as_text=True)
    assert "slower backup mode" not in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "Java工程师 public" in text and "Java工程师 hidden_applicant" in text
    assert (
        "applied_only" not in text
        and "Java工程师 hidden\n" not in text
        and text.count("Java工程师") == 2
    )
    assert "138****0001" in text and "13800000001" not in text  # not an applicant: masked
    assert "13800000003" in text  # applied to this employer: in clear


def test_resume_search_falls_back_to_the_database(app, client, worker):
    from app.indexing import service as search_index

    owner = setup_candidates()
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    login(client, owner.email, factories.PASSWORD)
    page = client.get("/resumes/search?q=java").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)
    assert "slower backup mode" in page
    assert text.count("Java工程师") == 2 and "applied_only" not in text
    assert "13800000001" not in text and "13800000003" in text
