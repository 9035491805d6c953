"""Remote identity check (远程核验) pages: the employer's owner starts the video check and
finishes it; an official covering the employer's region decides and sets how long snapshots
are kept. The rules and the state machine are in app.identity.service.

Snapshots are personal data: only the employer's owners and in-region officials can open
a check or its snapshots (everyone else gets 404).
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Blueprint,
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

from app.access import covers_region, current_employer, roles_required
from app.employers.forms import DecisionForm
from app.employers.routes import review_page
from app.errors import refused
from app.extensions import db
from app.identity import service
from app.identity.forms import DecideForm, RetentionForm
from app.identity.service import IdentityError, is_owner
from app.labels import IDENTITY_STATES
from app.models import IdentityCheck, IdentityState, Region, Role
from app.queue import get_queue

bp = Blueprint("identity", __name__)


@bp.app_template_global("identity_state_label")
def identity_state_label(state: IdentityState) -> str:
    return str(IDENTITY_STATES[IdentityState(state)])


# Why a check shows no snapshots, for its pages (identity/result.html): on the officials'
# review page too, so globals rather than a view's variables.
bp.add_app_template_global(service.person_erased, "identity_person_erased")
bp.add_app_template_global(service.deleted_with_account, "identity_deleted_with_account")


def is_reviewer(check: IdentityCheck) -> bool:
    return covers_region(current_user, check.employer.region_code)


def visible_check(check_id: int) -> IdentityCheck:
    """The check, for its employer's owners and officials covering its region; else 404."""
    check = db.get_or_404(IdentityCheck, check_id)
    if not (is_owner(current_user, check) or is_reviewer(check)):
        abort(404)
    return check


def render_check(check: IdentityCheck, status: int = 200, form: DecideForm | None = None):
    """The video call while the owner's check is running; afterwards the result (and, for
    an official, the decision form)."""
    if check.state == IdentityState.STARTED and is_owner(current_user, check):
        return render_template(
            "identity/call.html",
            check=check,
            notice=service.AUTOMATED_NOTICE,
            token=service.token_for(check, str(current_user.id), "subject"),
            ice_servers=json.dumps(current_app.config.get("VIDEO_ICE_SERVERS") or []),
        ), status
    return render_template(
        "identity/check.html",
        check=check,
        notice=service.AUTOMATED_NOTICE,
        form=form or DecideForm(),
        reviewer=is_reviewer(check),
    ), status


@bp.route("/video/identity")
@roles_required(Role.EMPLOYER)
def home():
    employer = current_employer(owner_only=True)
    return render_template(
        "identity/home.html",
        employer=employer,
        checks=service.recent_checks(employer),
        notice=service.AUTOMATED_NOTICE,
    )


@bp.route("/video/identity/start", methods=["POST"])
@roles_required(Role.EMPLOYER)
def start_check():
    employer = current_employer(owner_only=True)
    check = service.start(employer, current_user)
    db.session.commit()
    # A fallback for a person who never presses Finish: collect the result before the room expires.
    get_queue().enqueue_in(
        timedelta(minutes=service.ROOM_MINUTES - 2), "app.identity.tasks.collect", check.id
    )
    return redirect(url_for("identity.check", check_id=check.id), 303)


@bp.route("/video/identity/<id:check_id>")
@login_required
def check(check_id: int):
    return render_check(visible_check(check_id))


@bp.route("/video/identity/<id:check_id>/finish", methods=["POST"])
@login_required
def finish(check_id: int):
    check = visible_check(check_id)
    if not is_owner(current_user, check):
        abort(403)
    try:
        result = service.fetch_result(check)
        if result is None:
            raise IdentityError(_l("The video room has expired; start a new check."), 410)
        service.store_result(check, result)
    except IdentityError as error:
        return refused(error, lambda status: render_check(check, status))
    db.session.commit()
    flash(
        _("Check finished. An official of your region will compare it with the ID document."),
        "success",
    )
    return redirect(url_for("identity.check", check_id=check.id), 303)


@bp.route("/video/identity/<id:check_id>/snapshots/<name>")
@login_required
def snapshot(check_id: int, name: str):
    check = visible_check(check_id)
    path = service.snapshot_path(current_app.config["VIDEO_SNAPSHOT_DIR"], check, name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def decision_page(check: IdentityCheck, form: DecideForm, status: int):
    """A refused decision, back where it is made: the employer's review page (the check
    page for an older check), the error at its field, which the form macro focuses (and so
    brings into view)."""
    if check.id != getattr(service.latest(check.employer), "id", None):
        return render_check(check, status, form)
    return review_page(check.employer, DecisionForm(formdata=None), status, identity_form=form)


@bp.route("/video/identity/<id:check_id>/decide", methods=["POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def decide_check(check_id: int):
    check = visible_check(check_id)
    if not is_reviewer(check):
        abort(404)
    form = DecideForm()
    if not form.validate_on_submit():
        return decision_page(check, form, 422)
    try:
        service.decide(
            check, current_user, form.decision.data == "approve", form.reasons.data or ""
        )
    except IdentityError as error:
        db.session.rollback()
        if check.state != IdentityState.CHECKED:  # decided meanwhile: the page has no form
            return refused(error, lambda status: decision_page(check, form, status))
        form.decision.errors.append(str(error.message))  # said where the decision is made
        return decision_page(check, form, error.status)
    db.session.commit()
    flash(_("Identity decision recorded; the employer has been told."), "success")
    return redirect(url_for("employers.review", employer_id=check.employer_id), 303)


@bp.route("/video/identity/retention", methods=["GET", "POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def retention():
    """Officials set how long their region keeps identity snapshots (sub-regions may differ)."""
    form = RetentionForm(region_code=current_user.region_code or "")
    status = 200
    if form.validate_on_submit():
        code = form.region_code.data.strip()
        if db.session.get(Region, code) is None or not covers_region(current_user, code):
            form.region_code.errors = [_("Choose your region or one of its sub-regions.")]
            status = 422
        else:
            service.set_retention(code, form.days.data, current_user)
            db.session.commit()
            flash(
                _("Retention saved. Older snapshots are deleted by the next daily run."), "success"
            )
            return redirect(url_for("identity.retention"), 303)
    elif form.is_submitted():
        status = 422
    scope = current_user.region_code or ""
    return render_template(
        "identity/retention.html",
        form=form,
        policies=service.policies_within(scope),
        effective=service.retention_days(scope) if scope else service.DEFAULT_RETENTION_DAYS,
        default_days=service.DEFAULT_RETENTION_DAYS,
    ), status
