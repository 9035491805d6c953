"""The snapshots of a person's identity checks go with their account (docs/privacy.md): at
the erasure, or at the official's decision when a company's verification still waited on
them; the officials' pages say why there are none. The person's export lists their checks."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import uploads
from app.extensions import db
from app.identity import service as identity
from app.models import (
    AuditEntry,
    DataExport,
    IdentityCheck,
    IdentityState,
)
from app.privacy import service as privacy
from app.privacy.tasks import build_export
from tests.app.identity.conftest import checked, write_snapshots
from tests.app.privacy.test_deletion import erase_now
from tests.web import as_user, post_form
from video import rooms
from video.exceptions import RoomNotFound


def folder_of(app, check: IdentityCheck) -> Path:
    return Path(app.config["VIDEO_SNAPSHOT_DIR"]) / check.room_id


def deletions(check: IdentityCheck) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.object_type == "identity_checks",
                AuditEntry.object_id == str(check.id),
                AuditEntry.action.like("identity.snapshots_%"),
            )
        )
    )


def test_erasure_deletes_the_snapshots_of_decided_and_unfinished_checks(app, client, people):
    decided = checked(app, people.employer, people.owner)
    with app.test_request_context(method="POST"):
        identity.decide(decided, people.official, approve=True)
        running = identity.start(people.employer, people.owner)  # the call is still on
    write_snapshots(app, running, ["cccc.jpg"])
    db.session.commit()
    redis = app.extensions["redis"]
    assert rooms.get_room(redis, running.room_id)

    erase_now(people.owner)

    for check in (decided, running):
        check = db.session.get(IdentityCheck, check.id)  # the row stays: the company's record
        assert check.snapshots == [] and check.snapshots_deleted_at is not None
        assert not folder_of(app, check).exists()
        assert deletions(check) == ["identity.snapshots_erased"]
    assert db.session.get(IdentityCheck, decided.id).state == IdentityState.APPROVED
    assert identity.has_approved(people.employer)  # the verification still stands
    # The unfinished check is over: its room closed (nobody writes snapshots into it any
    # more) and the fallback collect job finds nothing to store.
    assert db.session.get(IdentityCheck, running.id).state == IdentityState.EXPIRED
    with pytest.raises(RoomNotFound):
        rooms.get_room(redis, running.room_id)
    assert redis.get(rooms.closed_key(running.room_id)) in ("ended", b"ended")

    as_user(client, people.official)
    for url in (f"/video/identity/{decided.id}", f"/officials/reviews/{people.employer.id}"):
        page = client.get(url)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert 'id="snapshots-erased"' in text and "at the request of the person" in text
        assert "/snapshots/" not in text
    assert client.get(f"/video/identity/{decided.id}/snapshots/aaaa.jpg").status_code == 404


def test_a_check_waiting_for_a_decision_keeps_its_snapshots_until_the_decision(app, client, people):
    waiting = checked(app, people.employer, people.owner)

    erase_now(people.owner)

    check = db.session.get(IdentityCheck, waiting.id)
    assert (check.state, check.snapshots) == (IdentityState.CHECKED, ["aaaa.jpg", "bbbb.jpg"])
    assert (folder_of(app, check) / "aaaa.jpg").is_file()
    as_user(client, people.official)
    page = client.get(f"/video/identity/{check.id}").get_data(as_text=True)
    assert 'id="snapshots-kept-for-decision"' in page
    assert client.get(f"/video/identity/{check.id}/snapshots/aaaa.jpg").status_code == 200

    decided = post_form(
        client,
        f"/video/identity/{check.id}/decide",
        {"identity-decision": "approve"},
        token_from=f"/video/identity/{check.id}",
    )
    assert decided.status_code == 303
    db.session.expire_all()
    check = db.session.get(IdentityCheck, waiting.id)
    assert (check.state, check.snapshots) == (IdentityState.APPROVED, [])
    assert check.decided_by_id == people.official.id
    assert not folder_of(app, check).exists()
    assert deletions(check) == ["identity.snapshots_erased"]
    review = client.get(f"/officials/reviews/{people.employer.id}").get_data(as_text=True)
    assert 'id="snapshots-erased"' in review and 'id="snapshots-kept-for-decision"' not in review


def test_other_peoples_checks_and_retention_deletions_are_told_apart(app, client, people):
    """Somebody else's check of the same company keeps its snapshots; one past retention
    before the erasure says so, not that the person asked."""
    mine = checked(app, people.employer, people.owner)
    theirs = checked(app, people.employer, people.other_owner, names=("cccc.jpg",))
    with app.test_request_context(method="POST"):
        identity.decide(mine, people.official, approve=False, reasons="照片不清楚")
    mine.created_at -= timedelta(days=365)
    db.session.commit()
    assert identity.purge_expired(app.config["VIDEO_SNAPSHOT_DIR"]) == 1
    db.session.commit()

    erase_now(people.owner)

    assert db.session.get(IdentityCheck, theirs.id).snapshots == ["cccc.jpg"]
    assert (folder_of(app, theirs) / "cccc.jpg").is_file()
    assert deletions(mine) == ["identity.snapshots_deleted"]  # not deleted twice
    as_user(client, people.official)
    page = client.get(f"/video/identity/{mine.id}").get_data(as_text=True)
    assert "(retention period)" in page and 'id="snapshots-erased"' not in page


def test_the_export_lists_the_persons_own_checks_without_other_peoples_data(app, people):
    mine = checked(app, people.employer, people.owner)
    with app.test_request_context(method="POST"):
        identity.decide(mine, people.official, approve=False, reasons="照片不清楚")
    checked(app, people.employer, people.other_owner, names=("cccc.jpg",))  # somebody else's
    with app.test_request_context(method="POST"):
        export = privacy.request_export(people.owner, via="settings")
    db.session.commit()

    build_export(export.id)
    export = db.session.get(DataExport, export.id)
    with zipfile.ZipFile(uploads.path_of(export.stored_name)) as archive:
        data = json.loads(archive.read("yunpin-data.json"))
        assert not any(name.endswith(".jpg") for name in archive.namelist())
    (listed,) = data["identity_checks"]
    assert listed["id"] == mine.id and listed["employer"] == people.employer.name
    assert (listed["state"], listed["reasons"]) == ("rejected", "照片不清楚")
    assert listed["created_at"] and listed["checked_at"] and listed["decided_at"]
    assert listed["result"]["passed"] is True and listed["snapshots_kept"] == 2
    # Who decided is the official's, and the snapshot files' names are internal.
    assert not {"decided_by_id", "started_by_id", "snapshots"} & set(listed)
    assert "aaaa.jpg" not in json.dumps(data["identity_checks"])
