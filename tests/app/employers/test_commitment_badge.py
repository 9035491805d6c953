"""An employer approved on its written commitment is not shown "✔ verified" until an official
has checked its documents: its badge says so on every page and the API says it apart."""

from __future__ import annotations

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import VerificationState
from app.queue import DERIVED
from tests import factories
from tests.web import as_user, post_form

from .test_fast_track import draft_employer, submit

EN = {"Accept-Language": "en"}
COMMITMENT = "Approved on commitment, documents pending check"
COMMITMENT_SHORT = ">Approved on commitment<"


def pages(client, employer, job) -> dict[str, str]:
    return {
        url: client.get(url, headers=EN).get_data(as_text=True)
        for url in (f"/jobs/{job.id}", f"/employers/{employer.id}", "/jobs/?q=仓库管理员")
    }


def test_the_badge_says_commitment_until_the_documents_are_checked(client, worker):
    owner, employer, official = draft_employer()
    as_user(client, owner)
    assert submit(client, commitment=True).status_code == 302
    db.session.refresh(employer)
    assert employer.verification_state == VerificationState.APPROVED
    assert employer.approved_on_commitment
    job = factories.job(employer, title="仓库管理员")
    token = create_api_token(owner, "tests")
    db.session.commit()
    worker(DERIVED)  # the search page's index

    dashboard = client.get("/employers/mine", headers=EN).get_data(as_text=True)
    seen = pages(client, employer, job)
    for page in (dashboard, seen[f"/jobs/{job.id}"], seen[f"/employers/{employer.id}"]):
        assert COMMITMENT in page and "✔" not in page
    assert (
        COMMITMENT_SHORT in seen["/jobs/?q=仓库管理员"] and "✔" not in seen["/jobs/?q=仓库管理员"]
    )
    me = client.get("/api/v1/employers/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["verified"] is True  # its meaning is unchanged
    assert me.get_json()["approved_on_commitment"] is True

    as_user(client, official)
    passed = post_form(
        client,
        f"/officials/reviews/{employer.id}/post-check",
        {"outcome": "pass"},
        token_from=f"/officials/reviews/{employer.id}",
    )
    assert passed.status_code == 303
    db.session.refresh(employer)
    assert not employer.approved_on_commitment
    worker(DERIVED)
    for url, page in pages(client, employer, job).items():
        assert "✔" in page and "commitment" not in page, url
    me = client.get("/api/v1/employers/me", headers={"Authorization": f"Bearer {token}"})
    assert (me.get_json()["verified"], me.get_json()["approved_on_commitment"]) == (True, False)


def test_an_employer_verified_on_its_documents_shows_the_check_mark(client):
    employer = factories.employer()
    job = factories.job(employer)
    db.session.commit()
    page = client.get(f"/jobs/{job.id}", headers=EN).get_data(as_text=True)
    assert "✔ Verified employer" in page and "commitment" not in page
