"""An employer reads why a candidate matches, never facts about its own posting: the pipeline,
the review page and the API leave out "Posted within the last N days" (and the employer's
own reply rate), which the candidate's side of the same match says."""

from __future__ import annotations

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Role, utcnow
from app.ranking.service import reason_texts, score_applicants
from tests import factories
from tests.web import as_user

EN = {"Accept-Language": "en"}
ABOUT_THE_POSTING = "Posted within the last"


def test_employers_read_no_reason_about_their_own_posting(app, client):
    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    job.published_at = utcnow()  # a fresh posting: the match has a reason saying so
    candidate = factories.user(Role.SEEKER, region_code="420102")
    resume = factories.resume(candidate, skills=["Java", "Spring"], region_code="420102")
    application = factories.application(candidate, job, resume_id=resume.id)
    db.session.commit()
    ((_application, _score, stored),) = score_applicants(job, [application], "en")
    said = [text for text, _positive in reason_texts(stored, "en", limit=20)]
    assert any(text.startswith(ABOUT_THE_POSTING) for text in said)  # the candidate's side

    as_user(client, owner)
    for url in (f"/applications/jobs/{job.id}", f"/applications/review/{application.id}"):
        page = client.get(url, headers=EN)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Has 2 of 3 required skills: Java, Spring" in text, url
        assert ABOUT_THE_POSTING not in text, url

    token = create_api_token(owner, "tests")
    db.session.commit()
    listed = client.get(
        f"/api/v1/jobs/{job.id}/applications",
        headers={"Authorization": f"Bearer {token}", **EN},
    ).get_json()["items"]
    reasons = [reason["text"] for reason in listed[0]["match_reasons"]]
    assert reasons and not any(text.startswith(ABOUT_THE_POSTING) for text in reasons)


def test_a_short_list_of_reasons_keeps_the_strongest_negative_one():
    """A weak match listing only its strengths would not say why it is weak: the last place
    goes to what held the score down most."""
    stored = [
        {"code": "same_city", "params": {"place": {"zh": "武汉", "en": "Wuhan"}}},
        {"code": "experience_ok", "params": {"years": 3, "required": 1}},
        {"code": "available_now", "params": {}},
        {"code": "education_ok", "params": {}},
        {"code": "skills_missing", "params": {"skills": ["PLC", "Excel"]}, "positive": False},
        {"code": "salary_above", "params": {"pct": 20}, "positive": False},
    ]
    assert reason_texts(stored, "en", limit=3) == [
        ("Lives in the same city as the job (Wuhan)", True),
        ("3 years of experience, meets the 1-year requirement", True),
        ("Missing skills: PLC, Excel", False),
    ]
    # room for all: every strength, then the shortfalls strongest first
    assert [positive for _, positive in reason_texts(stored, "en", limit=8)] == [True] * 4 + [
        False
    ] * 2
    # no shortfall: the strengths alone
    assert [positive for _, positive in reason_texts(stored[:4], "en", limit=3)] == [True] * 3
