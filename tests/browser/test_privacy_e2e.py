"""A job seeker downloads their data and deletes their account in a browser; after the grace
period their personal data is gone and the application the employer keeps is anonymous."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Application, Resume, Role, User, utcnow
from app.privacy.tasks import sweep
from app.queue import get_queue
from tests import factories
from tests.jobs import run_jobs
from tests.web import VIEWPORTS


@pytest.mark.browser
@pytest.mark.parametrize("size", VIEWPORTS)
def test_seeker_exports_then_deletes_their_account(
    browser, live_server, redis_server, size, tmp_path
):
    base, app = live_server
    with app.app_context():
        seeker = factories.user(Role.SEEKER, email=f"fang-{size}@example.com", name="王芳")
        resume = factories.resume(seeker, headline="会计")
        application = factories.application(
            seeker, factories.job(factories.employer()), resume_id=resume.id
        )
        db.session.commit()
        ids = seeker.id, resume.id, application.id

    context = browser.new_context(viewport=VIEWPORTS[size], locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.locator("#email").fill(f"fang-{size}@example.com")
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("button.button").click()
    page.wait_for_url(base + "/")

    page.goto(base + "/settings/privacy")
    page.locator("#request-export").click()
    page.wait_for_load_state()
    assert page.get_by_text("Being prepared").count() == 1
    with app.app_context():
        run_jobs([get_queue(app)], redis_server)
    page.reload()
    with page.expect_download() as download:
        page.locator("a.download").first.click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    data = json.loads(zipfile.ZipFile(saved).read("yunpin-data.json"))
    assert data["account"]["email"] == f"fang-{size}@example.com"
    assert [r["headline"] for r in data["resumes"]] == ["会计"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / f"privacy-{size}.png"), full_page=True)

    page.locator("#password").fill(factories.PASSWORD)
    page.locator("#delete-account").click()
    page.wait_for_load_state()
    assert page.locator("#cancel-deletion").count() == 1  # the grace period: it can be cancelled

    with app.app_context():
        assert sweep()["erased"] == 0
        db.session.execute(
            sa.update(User)
            .where(User.id == ids[0])
            .values(delete_after=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert sweep()["erased"] == 1
        user = db.session.get(User, ids[0])
        assert user.email != f"fang-{size}@example.com" and user.name != "王芳"
        assert db.session.get(Resume, ids[1]) is None
        assert db.session.get(Application, ids[2]).resume_id is None
        db.session.remove()

    page.goto(base + "/settings/privacy")  # the erased account's sign-ins are gone
    assert "/auth/login" in page.url
    page.locator("#email").fill(f"fang-{size}@example.com")
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("button.button").click()
    page.wait_for_load_state()
    assert page.get_by_text("Wrong email or password.").count() == 1
    context.close()
