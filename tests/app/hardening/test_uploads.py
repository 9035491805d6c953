"""A stored upload belongs to the transaction under way: kept when it commits, deleted when it
does not (a refusal, a failed commit, a 500). The sweep deletes what escaped a day later, and
forms that take files are limited per account."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import create_app, uploads
from app.extensions import db
from app.models import ResumeFile, Role
from tests import factories
from tests.web import as_user, csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kept_files() -> set[str]:
    return {name for name in os.listdir(uploads.folder()) if not name.startswith(".")}


def store() -> Path:
    stored = uploads.store(FileStorage(io.BytesIO(PDF), "cv.pdf"), uploads.RESUME_TYPES)
    path = uploads.path_of(stored.stored_name)
    assert path.is_file()
    return path


def test_a_file_stays_only_if_its_transaction_commits(app):
    db.session.commit()
    committed = store()
    db.session.commit()
    rolled_back = store()
    db.session.rollback()
    closed = store()
    db.session.close()  # as a request's session ends: neither commit nor rollback
    assert committed.is_file() and not rolled_back.exists() and not closed.exists()


def test_a_released_savepoint_is_not_the_commit(app):
    db.session.commit()
    with db.session.begin_nested():
        inside = store()
    assert inside.is_file()
    db.session.rollback()
    assert not inside.exists()


@pytest.fixture
def refusing_resume_files(app):
    """The database refuses every new résumé file, as a failing write would."""
    if db.engine.dialect.name == "sqlite":
        create = [
            "CREATE TRIGGER refuse_files BEFORE INSERT ON resume_files "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        drop = []  # the test's own copy of the database is thrown away
    else:
        create = [
            "CREATE FUNCTION refuse_files() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
            "CREATE TRIGGER refuse_files BEFORE INSERT ON resume_files "
            "FOR EACH ROW EXECUTE FUNCTION refuse_files()",
        ]
        drop = ["DROP TRIGGER refuse_files ON resume_files", "DROP FUNCTION refuse_files()"]
    for statement in create:
        db.session.execute(sa.text(statement))
    db.session.commit()
    yield
    for statement in drop:
        db.session.execute(sa.text(statement))
    db.session.commit()


def test_an_upload_whose_request_fails_leaves_no_file(app, refusing_resume_files):
    """A 500 after the file was stored: the answer says so, and the file is gone."""
    seeker = factories.user(Role.SEEKER)
    db.session.commit()
    production = create_app({**app.config, "TESTING": False})  # errors become 500 pages
    production.extensions["redis"] = app.extensions["redis"]
    browser = production.test_client()
    as_user(browser, seeker)
    sent = {
        "csrf_token": csrf_token(browser, "/resumes/upload"),
        "file": (io.BytesIO(PDF), "cv.pdf"),
    }

    response = browser.post("/resumes/upload", data=sent)

    assert response.status_code == 500
    assert kept_files() == set()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResumeFile)) == 0


def test_the_sweep_deletes_old_unreferenced_files_of_ours_only(app):
    seeker = factories.user(Role.SEEKER)
    referenced = store()
    db.session.add(
        ResumeFile(
            user_id=seeker.id,
            filename="cv.pdf",
            stored_name=referenced.name,
            content_type=uploads.PDF,
            size=len(PDF),
        )
    )
    db.session.commit()
    orphan, fresh_orphan = store(), store()
    db.session.commit()  # files whose rows never came (a worker killed in between)
    folder = uploads.folder()
    leftover = folder / ".incoming-0123456789abcdef"
    someone_elses = folder / "README.txt"
    for path in (leftover, someone_elses):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    for path in (referenced, orphan, leftover, someone_elses):
        os.utime(path, (two_days_ago, two_days_ago))

    assert uploads.sweep() == 2

    assert referenced.is_file() and fresh_orphan.is_file() and someone_elses.is_file()
    assert not orphan.exists() and not leftover.exists()


def test_the_sweep_is_periodic():
    from app.schedule import PERIODIC

    assert "app.uploads.sweep" in {periodic.job for periodic in PERIODIC}


def test_resume_uploads_are_limited_per_account(app, redis_server):
    first, second = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    limited.extensions["redis"] = redis_server
    browser = limited.test_client()
    as_user(browser, first)
    token = csrf_token(browser, "/resumes/upload")

    def upload() -> int:
        sent = {"csrf_token": token, "file": (io.BytesIO(PDF), "cv.pdf")}
        return browser.post("/resumes/upload", data=sent).status_code

    allowance = int(uploads.UPLOAD_LIMIT.split()[0])
    assert [upload() for _ in range(allowance)] == [303] * allowance
    assert upload() == 429
    # a post without a file is not an upload: refused for itself, not by the limit
    assert browser.post("/resumes/upload", data={"csrf_token": token}).status_code == 400
    as_user(browser, second)
    assert upload() == 303
