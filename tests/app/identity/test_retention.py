"""Snapshots are deleted after the region's retention period (nearest ancestor's policy);
the check keeps its decision. Runs the real daily job on the derived queue."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.identity import service as identity
from app.models import AuditEntry, IdentityState, RetentionPolicy, Role, utcnow
from app.queue import DERIVED, get_queue
from tests import factories
from tests.app.identity.conftest import checked
from tests.web import as_user, post_form


def test_retention_follows_the_nearest_policy(app, people):
    assert identity.retention_days("420102001001") == identity.DEFAULT_RETENTION_DAYS
    db.session.add_all(
        [RetentionPolicy(region_code="42", days=10), RetentionPolicy(region_code="420102", days=3)]
    )
    db.session.commit()
    assert identity.retention_days("420102001001") == 3
    assert identity.retention_days("420103002") == 10
    assert identity.retention_days("520302") == identity.DEFAULT_RETENTION_DAYS


def test_daily_job_deletes_expired_snapshots_and_keeps_the_decision(app, people, worker):
    db.session.add_all(
        [RetentionPolicy(region_code="42", days=10), RetentionPolicy(region_code="420102", days=3)]
    )
    elsewhere_owner = factories.user(Role.EMPLOYER)
    elsewhere = factories.employer(owner=elsewhere_owner, region_code="420103002")
    db.session.commit()
    decided = checked(app, people.employer, people.owner)
    with app.test_request_context(method="POST"):
        identity.decide(decided, people.official, approve=True)
    undecided = checked(app, people.employer, people.owner, names=("cccc.jpg",))
    recent = checked(app, people.employer, people.owner, names=("dddd.jpg",))
    kept = checked(app, elsewhere, elsewhere_owner, names=("eeee.jpg",))  # 10 days apply there
    for check in (decided, undecided, kept):
        check.created_at = utcnow() - timedelta(days=5)
    db.session.commit()

    get_queue(app, DERIVED).enqueue("app.identity.tasks.purge")  # as app/schedule.py does daily
    assert worker(DERIVED) >= 1  # the purge, plus search-index updates of the employers above

    folder = Path(app.config["VIDEO_SNAPSHOT_DIR"])
    for check in (decided, undecided, recent, kept):
        db.session.refresh(check)
    assert not (folder / decided.room_id).exists() and not (folder / undecided.room_id).exists()
    assert (decided.state, decided.snapshots, decided.decided_by_id) == (
        IdentityState.APPROVED,
        [],
        people.official.id,
    )
    assert decided.result["passed"] is True and decided.snapshots_deleted_at is not None
    assert undecided.state == IdentityState.EXPIRED and undecided.snapshots == []
    assert recent.snapshots == ["dddd.jpg"] and (folder / recent.room_id / "dddd.jpg").is_file()
    assert kept.snapshots == ["eeee.jpg"] and (folder / kept.room_id / "eeee.jpg").is_file()
    deletions = db.session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "identity.snapshots_deleted")
    ).all()
    assert sorted(deletions) == sorted([str(decided.id), str(undecided.id)])


def test_official_sets_retention_for_their_region_only(client, people):
    as_user(client, people.official)
    page = "/video/identity/retention"
    assert client.get(page).status_code == 200
    assert post_form(client, page, {"region_code": "420102001", "days": "7"}).status_code == 303
    assert post_form(client, page, {"region_code": "420102", "days": "14"}).status_code == 303
    assert (
        post_form(client, page, {"region_code": "420103", "days": "7"}).status_code == 422
    )  # not theirs
    assert post_form(client, page, {"region_code": "420102", "days": "0"}).status_code == 422
    policies = dict(
        db.session.execute(select(RetentionPolicy.region_code, RetentionPolicy.days)).all()
    )
    assert policies == {"420102001": 7, "420102": 14}
    assert identity.retention_days("420102001001") == 7
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "identity.retention_set")
            ).all()
        )
        == 2
    )
    as_user(client, people.owner)
    assert client.get(page).status_code == 403
