"""Privacy pages: the notice and its acceptance, the privacy settings (consents, export,
deletion, notification mail), the security settings (password, signed-in devices), and the
export download link."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app import audit, uploads
from app.accounts.service import tell_tokens_revoked
from app.database import writes
from app.employers import ownership
from app.errors import refused
from app.extensions import db, limiter
from app.models import utcnow
from app.models.accounts import digest
from app.privacy import blind, devices, service
from app.privacy.forms import DeleteForm, NoticeForm, PasswordForm, PreferencesForm
from app.privacy.notice import NOTICE_DATE, NOTICE_VERSION
from app.security import check_password, same_site
from app.templating import datetime_with_zone

bp = Blueprint("privacy", __name__)

# Pages an account that has not accepted the current notice may still open.
OPEN_ENDPOINTS = {
    "static",
    "privacy.notice",
    "privacy.consent",
    "privacy.download",
    "accounts.logout",
    "home.set_language",
}


@bp.app_template_global()
def privacy_notice_version() -> int:
    return NOTICE_VERSION


bp.add_app_template_global(blind.candidate_name, "candidate_name")
bp.add_app_template_global(blind.identity_hidden, "identity_hidden")
bp.add_app_template_global(blind.conversation_candidate_name, "conversation_candidate_name")


@bp.before_app_request
def ask_for_consent():
    """Every page asks for the current privacy notice first, once per version (the API,
    used by programs, does not: its terms are the account's)."""
    if (
        not current_user.is_authenticated
        or request.endpoint in OPEN_ENDPOINTS
        or request.endpoint is None
        or request.path.startswith(("/api/", "/static/", "/video/rooms/"))
        or not service.needs_notice(current_user)
    ):
        return None
    return redirect(url_for("privacy.consent", next=request.full_path.rstrip("?")), 303)


@bp.route("/privacy")
def notice():
    return render_template("privacy/notice.html", version=NOTICE_VERSION, date=NOTICE_DATE)


@bp.route("/privacy/consent", methods=["GET", "POST"])
@login_required
def consent():
    form = NoticeForm()
    target = same_site(request.args.get("next"), url_for("home.index"))
    if form.validate_on_submit():
        service.accept_notice(current_user._get_current_object(), via="page")
        db.session.commit()
        return redirect(target, 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "privacy/consent.html",
        form=form,
        version=NOTICE_VERSION,
        date=NOTICE_DATE,
        again=(current_user.privacy_notice_version or 0) > 0,
    ), status


def settings_page(status: int = 200, preferences: PreferencesForm | None = None, delete_form=None):
    user = current_user._get_current_object()
    preferences = preferences or PreferencesForm(
        formdata=None,
        notify_email=user.notify_email,
        resume_consent=service.resume_consent_given(user),
    )
    return render_template(
        "privacy/settings.html",
        preferences=preferences,
        delete_form=delete_form or DeleteForm(formdata=None),
        action_form=FlaskForm(),
        exports=service.user_exports(user),
        export_link=lambda e: url_for(
            "privacy.download", token=service.export_token(e), _external=True
        ),
        company_plan=ownership.plan_for(user),
        now=utcnow(),
    ), status


@bp.route("/settings/privacy")
@login_required
def settings():
    return settings_page()


@bp.route("/settings/privacy/preferences", methods=["POST"])
@login_required
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return settings_page(422, preferences=form)
    user = current_user._get_current_object()
    if user.notify_email != form.notify_email.data:
        user.notify_email = form.notify_email.data
        audit.record("user.notification_settings", user, notify_email=user.notify_email)
    service.set_resume_consent(user, form.resume_consent.data, via="settings")
    db.session.commit()
    flash(_("Your choices are saved."), "success")
    return redirect(url_for("privacy.settings"), 303)


@bp.route("/settings/privacy/exports", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def request_export():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        service.request_export(current_user._get_current_object(), via="settings")
    except service.PrivacyError as error:
        return refused(error, settings_page)
    db.session.commit()
    flash(_("We are preparing your data. Reload this page in a minute to download it."), "info")
    return redirect(url_for("privacy.settings"), 303)


@bp.route("/privacy/exports/<token>")
@writes  # the download is audited: personal data left the platform
@limiter.limit("30 per hour")
def download(token: str):
    """The link is the key (signed, valid EXPORT_VALID_HOURS), so it also works from the API's
    download_url, with no session; it stops when the account locks others out
    (export.revoke_exports). A link to an expired, revoked or unknown export answers 404
    with a page saying why links stop and where to ask for a new copy."""
    export = service.read_export_token(token)
    if export is None:
        return render_template("privacy/export_gone.html"), 404
    audit.record("export.download", export, user_id=export.user_id)
    db.session.commit()
    stamp = (export.ready_at or utcnow()).strftime("%Y%m%d")
    return uploads.send_upload(
        export.stored_name, "application/zip", f"yunpin-data-{stamp}.zip", inline=False
    )


@bp.route("/settings/privacy/delete", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def delete_account():
    form = DeleteForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        return refused_deletion(form, 422)
    if not check_password(user, form.password.data):
        form.password.errors.append(_("Your password is not correct."))
        return refused_deletion(form, 403)
    service.request_deletion(user, via="settings")
    db.session.commit()
    flash(
        _(
            "Your account will be deleted on %(date)s. Until then you can cancel it with the “Keep my account” button below.",
            date=datetime_with_zone(user.delete_after, "short"),  # as the section says it
        ),
        "info",
    )
    return redirect(url_for("privacy.settings"), 303)


def refused_deletion(form: DeleteForm, status: int):
    """The page again, its password field focused (the form macro focuses the first field
    with an error), which brings it and its error into view: the form is at the foot of a
    long page on a phone. Autofocus, not an anchor in the form's action: a page opened at an
    anchor ignores autofocus."""
    return settings_page(status, delete_form=form)


@bp.route("/settings/privacy/delete/cancel", methods=["POST"])
@login_required
def cancel_deletion():
    if not FlaskForm().validate_on_submit():
        abort(400)
    if service.cancel_deletion(current_user._get_current_object()):
        db.session.commit()
        flash(_("Your account will not be deleted."), "success")
    return redirect(url_for("privacy.settings"), 303)


def security_page(form: PasswordForm, status: int = 200):
    return render_template(
        "privacy/security.html",
        form=form,
        action_form=FlaskForm(),
        sign_ins=[(s, devices.describe(s.user_agent)) for s in service.sign_ins(current_user)],
        current_hash=digest(current_user.sign_in_key or ""),
    ), status


@bp.route("/settings/security", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def security():
    form = PasswordForm()
    if not form.validate_on_submit():
        return security_page(form, 422 if form.is_submitted() else 200)
    try:
        ended, revoked = service.change_password(
            current_user._get_current_object(), form.current.data, form.password.data
        )
    except service.PrivacyError as error:  # the current password is wrong
        db.session.rollback()
        form.current.errors.append(str(error.message))  # at its field, which takes the focus
        return security_page(form, error.status)
    db.session.commit()
    if ended:
        changed = ngettext(
            "Your password is changed. %(num)d other device was signed out.",
            "Your password is changed. %(num)d other devices were signed out.",
            ended,
        )
    else:  # no other device to speak of
        changed = _("Your password is changed.")
    flash(changed, "success")
    tell_tokens_revoked(revoked)
    return redirect(url_for("privacy.security"), 303)
