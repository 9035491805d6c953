"""Employers' résumé search through the engine: visibility and masking as on the DB path."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import EducationLevel, Role, Visibility
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


def employer_token(owner) -> dict[str, str]:
    from app.accounts.service import create_api_token

    token = create_api_token(owner, "search")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_searches_like_the_page_public_resumes_masked(client, worker):
    owner = setup_candidates()
    worker(DERIVED)
    response = client.get("/api/v1/resumes?q=java&facets=true", headers=employer_token(owner))
    assert response.status_code == 200
    assert response.headers["X-Search-Source"] == "engine"
    body = response.get_json()
    assert [r["headline"] for r in body["items"]] == ["Java工程师 public"]
    found = body["items"][0]
    assert found["contact_phone"] == "138****0001" and found["applied"] is False
    assert "<mark>" in str(found["highlights"]) and "13800000001" not in str(found["highlights"])
    assert body["total"] == 1 and body["source"] == "engine"
    assert {b["key"] for b in body["facets"]["education_level"]}


def test_api_filters_facets_and_cursor_pages(client, worker):
    owner = factories.user(Role.EMPLOYER)
    factories.employer(owner)
    for i in range(7):
        level = EducationLevel.BACHELOR if i % 2 else EducationLevel.MASTER
        factories.resume(
            factories.user(Role.SEEKER),
            headline=f"会计 {i}",
            education_level=level,
            region_code="420103002" if i < 3 else "420102001001",
        )
    db.session.commit()
    worker(DERIVED)
    headers = employer_token(owner)

    url = "/api/v1/resumes?q=会计&education_level=bachelor&facets=true&region=4201&area=420102"
    body = client.get(url, headers=headers).get_json()
    assert body["total"] == 2  # bachelor (odd i) in 江岸区 (i >= 3): 3, 5
    levels = {b["key"]: b["count"] for b in body["facets"]["education_level"]}
    assert levels == {"master": 2, "bachelor": 2}  # counted as if education_level were off
    assert {b["key"]: b["count"] for b in body["facets"]["region"]} == {"420102": 2, "420103": 1}

    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/resumes?q=会计&limit=3" + (f"&cursor={cursor}" if cursor else ""),
            headers=headers,
        ).get_json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    assert client.get("/api/v1/resumes?area=5203&region=4201", headers=headers).status_code == 400


def test_api_falls_back_to_the_database_and_says_so(app, client, worker):
    from app.indexing import service as search_index

    owner = setup_candidates()
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    response = client.get("/api/v1/resumes?q=java&limit=1", headers=employer_token(owner))
    assert response.headers["X-Search-Source"] == "database"
    body = response.get_json()
    assert [r["headline"] for r in body["items"]] == ["Java工程师 public"]
    assert body["items"][0]["contact_phone"] == "138****0001"
    assert body["next_cursor"] is None and body["total"] is None and body["facets"] is None


def test_the_openapi_document_lists_the_resume_search(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/resumes"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "skills", "area", "education_level", "facets", "cursor"} <= names
