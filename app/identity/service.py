"""Remote identity check (远程核验) of an employer's legal representative: the rules.

    started --finish / collect job--> checked --official--> approved | rejected
    started | checked --retention job--> expired        (decided checks keep their state)

The owner starts a check; the media server runs the prompted liveness check on their phone
video (docs/video.md) and keeps snapshots. The app stores the final automated result, and an
official covering the employer's region compares the snapshots with the uploaded ID photo and
decides. The automated part only says that cues were observed; a person decides identity.
Snapshots are personal data, deleted after the region's retention period, or with the
account of the person checked (:func:`forget_person`; docs/privacy.md).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from redis import RedisError
from sqlalchemy import select

from app import audit
from app.dashboards.scope import within
from app.database import update_if
from app.employers.review import ReviewError, officials_for, owners
from app.errors import DomainError
from app.extensions import db
from app.media.service import media_url
from app.models import (
    AuditEntry,
    Employer,
    IdentityCheck,
    IdentityState,
    MemberRole,
    Region,
    RetentionPolicy,
    ReviewDecision,
    Room,
    RoomKind,
    User,
    utcnow,
)
from app.notifications.service import notify
from app.redis_store import get_redis
from video import rooms as video_rooms
from video import tokens as video_tokens
from video.exceptions import NoMediaServer, RoomNotFound

ROOM_MINUTES = 30
"""How long the identity room (and the person's token) stays valid."""

DEFAULT_RETENTION_DAYS = 30
"""Snapshot retention when neither the region nor any ancestor has a policy."""

MAX_RETENTION_DAYS = 365

FETCH_TIMEOUT_SECONDS = 5

SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.jpg$")
"""The media server names snapshots token_urlsafe + .jpg; anything else is never served."""

AUTOMATED_NOTICE = _l(
    "Automated: a face was present, the head turn and blink were observed, sound was heard "
    "while the digits were shown. A person decides whether this is the legal representative."
)

APPROVAL_RULE = _l(
    "Approving an employer needs an approved video identity check of its legal representative, "
    "or the official explicitly approves without one; that choice is recorded in the audit log."
)


class IdentityError(DomainError):
    """An identity-check step is not possible now (409 unless said otherwise)."""


def is_owner(user: User, check: IdentityCheck) -> bool:
    membership = user.membership
    return bool(
        membership
        and membership.employer_id == check.employer_id
        and membership.role == MemberRole.OWNER
    )


def recent_checks(employer: Employer, limit: int = 20) -> list[IdentityCheck]:
    return list(
        db.session.scalars(
            select(IdentityCheck)
            .where(IdentityCheck.employer_id == employer.id)
            .order_by(IdentityCheck.id.desc())
            .limit(limit)
        )
    )


def start(employer: Employer, user: User) -> IdentityCheck:
    """Open an identity room (two places: the person and an official) and its check row."""
    expires = utcnow() + timedelta(minutes=ROOM_MINUTES)
    room = video_rooms.create_room(
        get_redis(current_app), kind="identity", capacity=2, ttl_seconds=ROOM_MINUTES * 60
    )
    db.session.add(Room(id=room.room_id, kind=RoomKind.IDENTITY, capacity=2, expires_at=expires))
    check = IdentityCheck(employer_id=employer.id, started_by_id=user.id, room_id=room.room_id)
    db.session.add(check)
    db.session.flush()
    audit.record("identity.start", check, actor=user, employer_id=employer.id, room_id=room.room_id)
    return check


def token_for(check: IdentityCheck, user_id: str, role: str) -> str:
    """A room token; the person checked gets role "subject", officials "reviewer" (never analysed)."""
    return video_tokens.issue_token(
        current_app.config["SECRET_KEY"], check.room_id, user_id, ROOM_MINUTES * 60, role=role
    )


def fetch_result(check: IdentityCheck) -> dict | None:
    """The media server's current liveness result, or None when the room is gone.

    Raises IdentityError(503) when the media server cannot be reached.
    """
    query = urllib.parse.urlencode({"token": token_for(check, "app", "reviewer")})
    try:  # the result lives on the media server holding the room
        base = media_url(current_app, check.room_id)
    except RoomNotFound:
        return None
    except (NoMediaServer, RedisError):
        raise IdentityError(
            _l("The video service is unavailable; try again in a minute."), 503
        ) from None
    url = f"{base}/video/rooms/{urllib.parse.quote(check.room_id, safe='')}/liveness?{query}"
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise IdentityError(
            _l("The video service answered with an error; try again."), 502
        ) from None
    except (urllib.error.URLError, OSError, ValueError):
        raise IdentityError(
            _l("The video service is unavailable; try again in a minute."), 503
        ) from None


def store_result(check: IdentityCheck, result: dict) -> None:
    """Keep the media server's final result and snapshot names; tell the region's officials."""
    if check.state != IdentityState.STARTED:
        raise IdentityError(_l("The result of this check is already stored."))
    if (
        not isinstance(result, dict)
        or result.get("room_id") != check.room_id
        or result.get("state") != "done"
    ):
        raise IdentityError(_l("The check is not finished yet: follow the prompts on screen."))
    check.snapshots = [
        n for n in result.get("snapshots") or [] if isinstance(n, str) and SNAPSHOT_NAME.match(n)
    ]
    check.result = {k: v for k, v in result.items() if k not in ("snapshots", "type")}
    check.state = IdentityState.CHECKED
    check.checked_at = utcnow()
    db.session.flush()
    audit.record(
        "identity.checked", check, passed=bool(result.get("passed")), snapshots=len(check.snapshots)
    )
    link = url_for("identity.check", check_id=check.id)
    for official in officials_for(check.employer.region_code):
        notify(official, "identity_checked", link, email=False, employer=check.employer.name)


def decide(check: IdentityCheck, official: User, approve: bool, reasons: str = "") -> None:
    """The official's decision; the caller has checked the official's region."""
    reasons = reasons.strip()
    if not approve and not reasons:
        raise IdentityError(
            _l("Say why the check is rejected, so the employer can try again."), 422
        )
    if approve and not check.snapshots:
        # Nothing to compare with the ID photo: approving would vouch for a face nobody saw.
        raise IdentityError(
            _l("This check has no snapshots to compare with the ID photo: it cannot be approved."),
            422,
        )
    if not update_if(
        db.session,
        check,
        IdentityCheck.state == IdentityState.CHECKED,  # two officials at once: one decides
        state=IdentityState.APPROVED if approve else IdentityState.REJECTED,
        decided_by_id=official.id,
        decided_at=utcnow(),
        reasons=reasons,
    ):
        raise IdentityError(_l("This check has no stored result waiting for a decision."))
    audit.record(
        f"identity.{check.state.value}",
        check,
        actor=official,
        employer_id=check.employer_id,
        reasons=reasons,
    )
    link = url_for("employers.verification")
    for owner in owners(check.employer):
        notify(owner, f"identity_{check.state.value}", link, reasons=reasons)
    if person_erased(check):  # kept for this decision only (forget_person)
        _delete_snapshots(check, current_app.config["VIDEO_SNAPSHOT_DIR"], utcnow(), erased=True)


def latest(employer: Employer) -> IdentityCheck | None:
    return db.session.scalar(
        select(IdentityCheck)
        .where(IdentityCheck.employer_id == employer.id)
        .order_by(IdentityCheck.id.desc())
        .limit(1)
    )


def has_approved(employer: Employer) -> bool:
    return (
        db.session.scalar(
            select(IdentityCheck.id)
            .where(
                IdentityCheck.employer_id == employer.id,
                IdentityCheck.state == IdentityState.APPROVED,
            )
            .limit(1)
        )
        is not None
    )


def guard_employer_approval(
    employer: Employer, official: User, decision: ReviewDecision, without_identity: bool
) -> None:
    """APPROVAL_RULE: approving needs an approved identity check or an explicit, audited override."""
    if decision != ReviewDecision.APPROVED or has_approved(employer):
        return
    if not without_identity:
        raise ReviewError(
            _l(
                "No approved identity check yet: tick “approve without an identity check” to proceed anyway."
            )
        )
    audit.record("employer.approve_without_identity", employer, actor=official)


def retention_days(region_code: str, policies: dict[str, int] | None = None) -> int:
    """The policy of REGION_CODE or its nearest ancestor (codes nest by prefix), else the default."""
    if policies is None:
        policies = dict(
            db.session.execute(select(RetentionPolicy.region_code, RetentionPolicy.days)).all()
        )
    for n in (12, 9, 6, 4, 2):
        if len(region_code) >= n and region_code[:n] in policies:
            return policies[region_code[:n]]
    return DEFAULT_RETENTION_DAYS


def set_retention(region_code: str, days: int, official: User) -> RetentionPolicy:
    policy = db.session.scalar(
        select(RetentionPolicy).where(RetentionPolicy.region_code == region_code)
    )
    if policy is None:
        policy = RetentionPolicy(region_code=region_code, days=days)
        db.session.add(policy)
    previous = policy.days if policy.id else None
    policy.days, policy.updated_by_id = days, official.id
    db.session.flush()
    audit.record(
        "identity.retention_set",
        policy,
        actor=official,
        region_code=region_code,
        days=days,
        previous=previous,
    )
    return policy


def policies_within(region_code: str) -> list[tuple[RetentionPolicy, str]]:
    """The retention policies set in REGION_CODE's subtree (all of them for ""), with region names."""
    return [
        (policy, name)
        for policy, name in db.session.execute(
            select(RetentionPolicy, Region.name)
            .join(Region, Region.code == RetentionPolicy.region_code)
            .where(within(RetentionPolicy.region_code, region_code))
            .order_by(RetentionPolicy.region_code)
        )
    ]


def snapshot_path(snapshot_dir: str, check: IdentityCheck, name: str) -> Path | None:
    if name not in check.snapshots or not SNAPSHOT_NAME.match(name):
        return None
    path = Path(snapshot_dir) / check.room_id / name
    return path if path.is_file() else None


def purge_expired(snapshot_dir: str, now: datetime | None = None) -> int:
    """Delete the snapshots of checks older than their region's retention; return how many checks.

    Decided checks keep their decision and the automated outcome; undecided ones become
    expired. The whole room folder goes, including any snapshot never stored in the row.
    """
    now = now or utcnow()
    policies = dict(
        db.session.execute(select(RetentionPolicy.region_code, RetentionPolicy.days)).all()
    )
    purged = 0
    due = db.session.execute(
        select(IdentityCheck, Employer.region_code)
        .join(Employer, Employer.id == IdentityCheck.employer_id)
        .where(IdentityCheck.snapshots_deleted_at.is_(None))
    ).all()
    for check, region_code in due:
        if check.created_at + timedelta(days=retention_days(region_code, policies)) > now:
            continue
        _delete_snapshots(check, snapshot_dir, now, erased=False)
        purged += 1
    return purged


def _delete_snapshots(check: IdentityCheck, snapshot_dir: str, now: datetime, erased: bool) -> None:
    """Delete CHECK's room folder (with any snapshot never stored in the row) and empty the
    row; an undecided check becomes expired. ERASED: they went with the person's account,
    not at the end of the retention period (the audit entry is the record of which)."""
    shutil.rmtree(Path(snapshot_dir) / check.room_id, ignore_errors=True)
    deleted = len(check.snapshots)
    check.snapshots, check.snapshots_deleted_at = [], now
    if check.state in (IdentityState.STARTED, IdentityState.CHECKED):
        check.state = IdentityState.EXPIRED
    audit.record(
        "identity.snapshots_erased" if erased else "identity.snapshots_deleted",
        check,
        snapshots=deleted,
        state=check.state.value,
    )


def forget_person(user: User, snapshot_dir: str) -> int:
    """At USER's erasure, delete the snapshots of the checks they took (theirs is the face on
    them); returns how many checks lost them. A check waiting for an official's decision keeps
    its snapshots until that decision (:func:`decide` deletes them then), or until the
    retention period ends: they are what the company's verification is decided on. The rows
    stay, with the automated outcome and the decision, as the company's record."""
    checks = db.session.scalars(
        select(IdentityCheck).where(
            IdentityCheck.started_by_id == user.id,
            IdentityCheck.snapshots_deleted_at.is_(None),
            IdentityCheck.state != IdentityState.CHECKED,
        )
    ).all()
    now = utcnow()
    for check in checks:
        if check.state == IdentityState.STARTED:
            _hang_up(check)
        _delete_snapshots(check, snapshot_dir, now, erased=True)
    return len(checks)


def _hang_up(check: IdentityCheck) -> None:
    """Close a check's room if it may still be open, so that no snapshot is written after the
    erasure; a room Redis cannot close now ends by itself within ROOM_MINUTES."""
    if check.created_at + timedelta(minutes=ROOM_MINUTES) <= utcnow():
        return
    with contextlib.suppress(RedisError):
        video_rooms.close_room(get_redis(current_app), check.room_id, "ended")


def person_erased(check: IdentityCheck) -> bool:
    """Whether the person who took CHECK has had their account erased."""
    return (
        check.started_by_id is not None
        and db.session.scalar(select(User.deleted_at).where(User.id == check.started_by_id))
        is not None
    )


def deleted_with_account(check: IdentityCheck) -> bool:
    """Whether CHECK's snapshots went with its person's account (rather than at the end of the
    retention period): the audit entry says so."""
    return check.snapshots_deleted_at is not None and (
        db.session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.object_type == IdentityCheck.__tablename__,
                AuditEntry.object_id == str(check.id),
                AuditEntry.action == "identity.snapshots_erased",
            )
            .limit(1)
        )
        is not None
    )
