"""The marketplace story in a real browser, at phone size for the candidate:

an employer submits its documents and an official verifies it, the employer posts a job, a
candidate uploads a résumé (parsed by a real RQ worker) and applies in one click, and the
employer moves the candidate to interview.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Application, Role, Stage, VerificationState
from app.queue import MAIN, get_queue
from tests import factories
from tests.app.resumes.test_upload import make_pdf
from tests.jobs import run_jobs

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def log_in(browser, base, email, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main button.button").click()
    page.wait_for_url(base + "/")
    return context, page


def run_main_queue(app, redis):
    with app.app_context():
        run_jobs([get_queue(app, MAIN)], redis)


@pytest.mark.browser
def test_verified_employer_posts_candidate_applies_employer_moves_to_interview(
    browser, live_server, redis_server, tmp_path
):
    base, app = live_server
    with app.app_context():
        official = factories.user(Role.OFFICIAL, region_code="420102", email="official@example.com")
        owner = factories.user(Role.EMPLOYER, email="owner@example.com")
        employer = factories.employer(owner, verified=False, name="江岸物流有限公司")
        factories.user(Role.SEEKER, email="candidate@example.com", name="李雷")
        db.session.commit()
        employer_id = employer.id
        assert official.id

    # The employer uploads its licence and the legal representative's ID, and submits.
    context, page = log_in(browser, base, "owner@example.com", DESKTOP)
    page.goto(base + "/employers/mine/verification")
    page.locator("#legal_rep_name").fill("王五")
    page.locator("#business_licence").set_input_files(
        files=[
            {
                "name": "licence.pdf",
                "mimeType": "application/pdf",
                "buffer": make_pdf(["Business licence"]),
            }
        ]
    )
    page.locator("#legal_rep_id").set_input_files(
        files=[{"name": "id.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    with app.app_context():
        assert (
            db.session.get(type(employer), employer_id).verification_state
            == VerificationState.SUBMITTED
        )

    # The official of the district approves it online.
    official_context, official_page = log_in(browser, base, "official@example.com", DESKTOP)
    official_page.goto(f"{base}/officials/reviews/{employer_id}")
    official_page.locator("input[name=decision][value=approved]").check()
    official_page.locator("#without_identity").check()
    official_page.locator("main button.button").last.click()
    official_page.wait_for_load_state()
    official_page.screenshot(path=str(tmp_path / "official-review.png"), full_page=True)
    official_context.close()

    # Verified, the employer posts a job.
    page.goto(base + "/employers/mine/jobs/new")
    page.locator("#title").fill("叉车司机")
    page.locator("#description").fill("负责仓库叉车作业，持证上岗。")
    page.locator("#skills").fill("叉车, 叉车证, 仓储管理")
    page.locator("#salary_min").fill("6000")
    page.locator("#salary_max").fill("8000")
    page.locator("#headcount").fill("2")
    # The place is the company's, chosen already and shown by name (no code is typed),
    # in the page's language (English here).
    assert "Sandeli Community" in page.locator(".picker--region .picker__chip").inner_text()
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_load_state()
    with app.app_context():
        from app.models import Job

        job = db.session.query(Job).filter_by(employer_id=employer_id).one()
        job_id, job_status = job.id, job.status
    assert job_status == "published"

    # On a phone, the candidate uploads a PDF résumé, confirms what was read, and applies.
    candidate_context, phone = log_in(browser, base, "candidate@example.com", PHONE)
    phone.goto(base + "/resumes/upload")
    phone.locator("#file").set_input_files(
        files=[{"name": "简历.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    phone.locator("main button.button").click()
    phone.wait_for_load_state()
    run_main_queue(app, redis_server)
    phone.reload()
    phone.locator("main form button.button").click()  # copy the parsed fields into the résumé
    phone.wait_for_load_state()
    phone.goto(f"{base}/jobs/{job_id}")
    phone.locator("form.apply-form button").click()
    phone.wait_for_load_state()
    phone.screenshot(path=str(tmp_path / "candidate-applied.png"), full_page=True)
    with app.app_context():
        application = db.session.query(Application).filter_by(job_id=job_id).one()
        application_id = application.id
        assert application.resume is not None and "Java" in application.resume.skills

    # The employer sees the applicant in the pipeline and moves them to interview.
    page.goto(f"{base}/applications/jobs/{job_id}")
    assert page.get_by_text("李雷").count() >= 1
    page.locator(f"#pick-{application_id}").check()
    page.locator("#bulk-stage").select_option(Stage.INTERVIEW.value)
    page.locator("form[data-pipeline] button.button").last.click()
    page.wait_for_load_state()
    page.screenshot(path=str(tmp_path / "pipeline.png"), full_page=True)
    with app.app_context():
        assert db.session.get(Application, application_id).stage == Stage.INTERVIEW

    # The candidate follows the status.
    phone.goto(f"{base}/applications/{application_id}")
    assert phone.locator(".stage-interview").count() >= 1
    candidate_context.close()
    context.close()
