"""Résumé search keeps blind screening: an employer that screens blind finds its applicants'
résumés as the résumé page shows them (contacts masked) until it shortlists them
(app/privacy/blind.py), whether the engine, the database fallback or the page answers."""

from __future__ import annotations

import re

import pytest

from app.accounts.service import create_api_token
from app.applications import service as applications
from app.extensions import db
from app.models import Role, Stage, VerificationState, Visibility
from app.queue import DERIVED
from app.templating import mask_contacts
from tests import factories
from tests.web import as_user

NAME = "欧阳娜娜"
PHONE, EMAIL = "13267666241", "seeker21@yunpin.demo"
MASKED_PHONE, MASKED_EMAIL = "132****6241", "s***@yunpin.demo"
HIDDEN_PHONE = "13267660000"


def world(*, blind: bool = True, visibility: Visibility = Visibility.PUBLIC):
    """A verified employer (screening blind or not) with one applicant in stage `new`, whose
    résumé (VISIBILITY) has contacts, also typed into its summary; and a stranger's public one."""
    owner = factories.user(Role.EMPLOYER)
    employer = factories.employer(owner, blind_screening=blind)
    job = factories.job(employer)
    candidate = factories.user(Role.SEEKER, name=NAME, phone=PHONE, email=EMAIL)
    resume = factories.resume(
        candidate,
        headline="数控车床操作工",
        summary=f"五年数控车床经验，电话 {PHONE}",
        skills=["数控车床"],
        contact_phone=PHONE,
        contact_email=EMAIL,
        visibility=visibility,
    )
    application = factories.application(candidate, job, resume_id=resume.id)
    factories.resume(factories.user(Role.SEEKER), headline="数控车床学徒", skills=["数控车床"])
    token = create_api_token(owner, "search")
    db.session.commit()
    return owner, application, {"Authorization": f"Bearer {token}"}


def use_database(app) -> None:
    """Make the engine unreachable: the search answers from the database."""
    from app.indexing import service as search_index

    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)


def api_hit(client, auth, application, source: str) -> dict:
    response = client.get("/api/v1/resumes?q=数控车床", headers=auth)
    assert response.status_code == 200
    assert response.headers["X-Search-Source"] == source
    [hit] = [r for r in response.get_json()["items"] if r["id"] == application.resume_id]
    return hit


@pytest.mark.parametrize("source", ["engine", "database"])
def test_the_api_masks_a_blind_employers_applicants_like_the_resume_view(
    app, client, worker, source
):
    owner, application, auth = world()
    worker(DERIVED)
    if source == "database":
        use_database(app)
    hit = api_hit(client, auth, application, source)
    view = client.get(f"/api/v1/resumes/{application.resume_id}", headers=auth).get_json()
    assert (view["contact_phone"], view["contact_email"]) == (MASKED_PHONE, MASKED_EMAIL)
    assert hit["applied"] is True
    assert (hit["contact_phone"], hit["contact_email"]) == (MASKED_PHONE, MASKED_EMAIL)
    # Nothing the résumé view does not show: the same fields, the same values.
    assert {key: hit[key] for key in view} == view
    assert set(hit) - set(view) == {"applied", "highlights"}
    # The phone typed into the summary is masked like the contact field, highlights too.
    assert MASKED_PHONE in hit["summary"]
    assert PHONE not in str(hit) and EMAIL not in str(hit) and NAME not in str(hit)

    applications.move_stage(application, Stage.INTERVIEW, owner)  # shortlisted: in clear
    db.session.commit()
    hit = api_hit(client, auth, application, source)
    assert (hit["contact_phone"], hit["contact_email"]) == (PHONE, EMAIL)


def test_the_api_shows_contacts_to_employers_that_do_not_screen_blind(client, worker):
    _owner, application, auth = world(blind=False)
    worker(DERIVED)
    hit = api_hit(client, auth, application, "engine")
    assert hit["applied"] is True
    assert (hit["contact_phone"], hit["contact_email"]) == (PHONE, EMAIL)
    assert PHONE in str(hit["highlights"])


def search_page(client) -> str:
    """The search page's HTML, the matched words' <mark> taken out."""
    page = client.get("/resumes/search?q=数控车床")
    assert page.status_code == 200
    return re.sub(r"</?mark>", "", page.get_data(as_text=True))


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.HIDDEN])
def test_the_page_masks_a_blind_employers_applicants(client, worker, visibility):
    """A hidden résumé is found (and viewed) through the application, blind all the same."""
    owner, application, _auth = world(visibility=visibility)
    worker(DERIVED)
    as_user(client, owner)
    view = client.get(f"/resumes/{application.resume_id}")
    assert view.status_code == 200
    assert PHONE not in view.get_data(as_text=True)  # the field and the summary's number
    page = search_page(client)
    assert "数控车床操作工" in page and "Applied to you" in page
    assert f'<span class="contact-phone">{MASKED_PHONE}</span>' in page
    assert PHONE not in page and EMAIL not in page and NAME not in page

    applications.move_stage(application, Stage.INTERVIEW, owner)
    db.session.commit()
    assert f'<span class="contact-phone">{PHONE}</span>' in search_page(client)
    view = client.get(f"/resumes/{application.resume_id}").get_data(as_text=True)
    assert f"电话 {PHONE}" in view


def test_the_database_fallback_page_masks_a_blind_employers_applicants(app, client, worker):
    owner, _application, _auth = world()
    use_database(app)
    as_user(client, owner)
    page = search_page(client)
    assert "slower backup mode" in page and "数控车床操作工" in page
    assert MASKED_PHONE in page and PHONE not in page


def test_an_unverified_blind_employer_sees_its_applicants_masked(client):
    owner, application, _auth = world(visibility=Visibility.APPLIED)
    application.job.employer.verification_state = VerificationState.DRAFT
    db.session.commit()
    as_user(client, owner)
    page = search_page(client)
    assert "数控车床操作工" in page and "数控车床学徒" not in page
    assert MASKED_PHONE in page and PHONE not in page


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.HIDDEN])
def test_the_page_shows_contacts_to_employers_that_do_not_screen_blind(client, worker, visibility):
    owner, _application, _auth = world(blind=False, visibility=visibility)
    worker(DERIVED)
    as_user(client, owner)
    page = search_page(client)
    assert "Applied to you" in page
    assert f'<span class="contact-phone">{PHONE}</span>' in page


def test_numbers_and_addresses_typed_into_text_are_masked_like_the_fields():
    text = "电话 13267666241，邮箱 a.b@qq.com；座机 010-12345678；订单号 213267666241"
    assert mask_contacts(text) == (
        "电话 132****6241，邮箱 a***@qq.com；座机 010-12345678；订单号 213267666241"
    )
