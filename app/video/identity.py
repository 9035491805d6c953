"""Remote identity check (远程核验) of an employer's legal representative.

    started --finish / collect job--> checked --official--> approved | rejected
    started | checked --retention job--> expired        (decided checks keep their state)

The owner starts a check; the media server runs the prompted liveness check on their phone
video (docs/video.md) and keeps snapshots. The app stores the final automated result, and an
official covering the employer's region compares the snapshots with the uploaded ID photo and
decides. The automated part only says that cues were observed; a person decides identity.

Snapshots are personal data: only the employer's owners and in-region officials can open
them (everyone else gets 404), and they are deleted after the region's retention period.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from app import audit
from app.access import covers_region, current_employer, get_or_404, roles_required
from app.extensions import db
from app.models import (
    Employer,
    IdentityCheck,
    IdentityState,
    MemberRole,
    Region,
    RetentionPolicy,
    ReviewDecision,
    Role,
    Room,
    RoomKind,
    User,
    utcnow,
)
from app.notify import notify
from app.redis_store import get_redis
from app.video import bp
from app.video.media import media_url
from video import rooms as video_rooms
from video import tokens as video_tokens

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


class IdentityError(Exception):
    """An identity-check step is not possible now; the message says why."""

    def __init__(self, message: Any, status: int = 409) -> None:
        super().__init__(str(message))
        self.message, self.status = message, status


# Services ---------------------------------------------------------------------------------


def owners_of(employer: Employer) -> list[User]:
    from app.employers.review import owners

    return owners(employer)


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
    url = f"{media_url(current_app)}/video/rooms/{urllib.parse.quote(check.room_id, safe='')}/liveness?{query}"
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
    from app.employers.review import officials_for

    link = url_for("video.identity_check", check_id=check.id)
    for official in officials_for(check.employer.region_code):
        notify(official, "identity_checked", link, email=False, employer=check.employer.name)


def decide(check: IdentityCheck, official: User, approve: bool, reasons: str = "") -> None:
    """The official's decision; the caller has checked the official's region."""
    if check.state != IdentityState.CHECKED:
        raise IdentityError(_l("This check has no stored result waiting for a decision."))
    reasons = reasons.strip()
    if not approve and not reasons:
        raise IdentityError(
            _l("Say why the check is rejected, so the employer can try again."), 422
        )
    check.state = IdentityState.APPROVED if approve else IdentityState.REJECTED
    check.decided_by_id, check.decided_at, check.reasons = official.id, utcnow(), reasons
    audit.record(
        f"identity.{check.state.value}",
        check,
        actor=official,
        employer_id=check.employer_id,
        reasons=reasons,
    )
    link = url_for("employers.verification")
    for owner in owners_of(check.employer):
        notify(owner, f"identity_{check.state.value}", link, reasons=reasons)


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
    from app.employers.review import ReviewError

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
        shutil.rmtree(Path(snapshot_dir) / check.room_id, ignore_errors=True)
        deleted = len(check.snapshots)
        check.snapshots, check.snapshots_deleted_at = [], now
        if check.state in (IdentityState.STARTED, IdentityState.CHECKED):
            check.state = IdentityState.EXPIRED
        audit.record(
            "identity.snapshots_deleted", check, snapshots=deleted, state=check.state.value
        )
        purged += 1
    return purged


STATE_LABELS = {
    IdentityState.STARTED: _l("In progress"),
    IdentityState.CHECKED: _l("Waiting for an official"),
    IdentityState.APPROVED: _l("Approved by an official"),
    IdentityState.REJECTED: _l("Rejected by an official"),
    IdentityState.EXPIRED: _l("Expired without a decision"),
}


@bp.app_template_global("identity_state_label")
def identity_state_label(state: IdentityState) -> str:
    return str(STATE_LABELS[IdentityState(state)])


@bp.app_template_global("identity_decide_form")
def identity_decide_form() -> DecideForm:
    return DecideForm()


@bp.app_template_global("identity_for")
def identity_for(employer: Employer) -> IdentityCheck | None:
    """The employer's latest identity check, for the verification and review pages."""
    return latest(employer)


# Routes -----------------------------------------------------------------------------------


class DecideForm(FlaskForm):
    decision = RadioField(
        _l("Identity check"),
        choices=[
            ("approve", _l("Approve: this is the legal representative")),
            ("reject", _l("Reject")),
        ],
        validators=[DataRequired()],
    )
    reasons = TextAreaField(_l("Reasons (required when rejecting)"), validators=[Length(max=2000)])


class RetentionForm(FlaskForm):
    region_code = StringField(_l("Region code"), validators=[DataRequired(), Length(max=12)])
    days = IntegerField(
        _l("Keep snapshots for (days)"),
        validators=[DataRequired(), NumberRange(1, MAX_RETENTION_DAYS)],
    )


def is_owner(user: User, check: IdentityCheck) -> bool:
    membership = user.membership
    return bool(
        membership
        and membership.employer_id == check.employer_id
        and membership.role == MemberRole.OWNER
    )


def visible_check(check_id: int) -> IdentityCheck:
    """The check, for its employer's owners and officials covering its region; else 404."""
    check = get_or_404(IdentityCheck, check_id)
    if not (
        is_owner(current_user, check) or covers_region(current_user, check.employer.region_code)
    ):
        abort(404)
    return check


def is_reviewer(check: IdentityCheck) -> bool:
    return covers_region(current_user, check.employer.region_code)


@bp.route("/identity")
@roles_required(Role.EMPLOYER)
def identity_home():
    employer = current_employer(owner_only=True)
    checks = db.session.scalars(
        select(IdentityCheck)
        .where(IdentityCheck.employer_id == employer.id)
        .order_by(IdentityCheck.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "video/identity.html", employer=employer, checks=checks, notice=AUTOMATED_NOTICE
    )


@bp.route("/identity/start", methods=["POST"])
@roles_required(Role.EMPLOYER)
def identity_start():
    employer = current_employer(owner_only=True)
    check = start(employer, current_user)
    db.session.commit()
    from app.queue import get_queue

    # A fallback for a person who never presses Finish: collect the result before the room expires.
    get_queue().enqueue_in(
        timedelta(minutes=ROOM_MINUTES - 2), "app.tasks.identity.collect", check.id
    )
    return redirect(url_for("video.identity_check", check_id=check.id), 303)


@bp.route("/identity/<int:check_id>")
@login_required
def identity_check(check_id: int):
    check = visible_check(check_id)
    return render_identity(check)


def render_identity(check: IdentityCheck, status: int = 200, form: DecideForm | None = None):
    if check.state == IdentityState.STARTED and is_owner(current_user, check):
        return render_template(
            "video/identity_call.html",
            check=check,
            notice=AUTOMATED_NOTICE,
            token=token_for(check, str(current_user.id), "subject"),
            ice_servers=json.dumps(current_app.config.get("VIDEO_ICE_SERVERS") or []),
        ), status
    return render_template(
        "video/identity_check.html",
        check=check,
        notice=AUTOMATED_NOTICE,
        form=form or DecideForm(),
        reviewer=is_reviewer(check),
    ), status


@bp.route("/identity/<int:check_id>/finish", methods=["POST"])
@login_required
def identity_finish(check_id: int):
    check = visible_check(check_id)
    if not is_owner(current_user, check):
        abort(403)
    try:
        result = fetch_result(check)
        if result is None:
            raise IdentityError(_l("The video room has expired; start a new check."), 410)
        store_result(check, result)
    except IdentityError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_identity(check, error.status)
    db.session.commit()
    flash(
        _("Check finished. An official of your region will compare it with the ID document."),
        "success",
    )
    return redirect(url_for("video.identity_check", check_id=check.id), 303)


@bp.route("/identity/<int:check_id>/snapshots/<name>")
@login_required
def identity_snapshot(check_id: int, name: str):
    check = visible_check(check_id)
    path = snapshot_path(current_app.config["VIDEO_SNAPSHOT_DIR"], check, name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/identity/<int:check_id>/decide", methods=["POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def identity_decide(check_id: int):
    check = visible_check(check_id)
    if not is_reviewer(check):
        abort(404)
    form = DecideForm()
    if not form.validate_on_submit():
        return render_identity(check, 422, form)
    try:
        decide(check, current_user, form.decision.data == "approve", form.reasons.data or "")
    except IdentityError as error:
        db.session.rollback()
        form.reasons.errors = [*form.reasons.errors, str(error.message)]
        return render_identity(check, error.status, form)
    db.session.commit()
    flash(_("Identity decision recorded; the employer has been told."), "success")
    return redirect(url_for("officials.review", employer_id=check.employer_id), 303)


@bp.route("/identity/retention", methods=["GET", "POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def identity_retention():
    """Officials set how long their region keeps identity snapshots (sub-regions may differ)."""
    form = RetentionForm(region_code=current_user.region_code or "")
    status = 200
    if form.validate_on_submit():
        code = form.region_code.data.strip()
        if db.session.get(Region, code) is None or not covers_region(current_user, code):
            form.region_code.errors = [_("Choose your region or one of its sub-regions.")]
            status = 422
        else:
            set_retention(code, form.days.data, current_user)
            db.session.commit()
            flash(
                _("Retention saved. Older snapshots are deleted by the next daily run."), "success"
            )
            return redirect(url_for("video.identity_retention"), 303)
    elif form.is_submitted():
        status = 422
    scope = current_user.region_code or ""
    policies = db.session.execute(
        select(RetentionPolicy, Region.name)
        .join(Region, Region.code == RetentionPolicy.region_code)
        .where(RetentionPolicy.region_code.startswith(scope))
        .order_by(RetentionPolicy.region_code)
    ).all()
    return render_template(
        "video/identity_retention.html",
        form=form,
        policies=policies,
        effective=retention_days(scope) if scope else DEFAULT_RETENTION_DAYS,
        default_days=DEFAULT_RETENTION_DAYS,
    ), status
