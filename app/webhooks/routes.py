"""The company owner's webhook page: register, rotate the secret, delete, read the log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.access import current_employer, roles_required
from app.errors import refused
from app.extensions import db, limiter
from app.models import Role, Webhook
from app.webhooks import service
from app.webhooks.forms import WebhookForm

bp = Blueprint("webhooks", __name__)


def page(
    form: WebhookForm, status: int = 200, secret: str | None = None, shown: Webhook | None = None
):
    employer = current_employer(owner_only=True)
    hooks = service.active_hooks(employer.id)
    return render_template(
        "webhooks/index.html",
        form=form,
        hooks=hooks,
        logs={hook.id: service.deliveries(hook, 20) for hook in hooks},
        secret=secret,
        shown=shown,
        action_form=FlaskForm(),
        events=service.EVENTS,
    ), status


def own_hook(webhook_id: int) -> Webhook:
    employer = current_employer(owner_only=True)
    hook = db.session.get(Webhook, webhook_id)
    if hook is None or hook.employer_id != employer.id or hook.deleted_at is not None:
        abort(404)
    return hook


@bp.route("/employers/mine/webhooks")
@roles_required(Role.EMPLOYER)
def index():
    return page(WebhookForm(formdata=None))


@bp.route("/employers/mine/webhooks", methods=["POST"])
@roles_required(Role.EMPLOYER)
@limiter.limit("20 per hour")
def create():
    form = WebhookForm()
    if not form.validate_on_submit():
        return page(form, 422)
    try:
        hook = service.create(
            current_employer(owner_only=True), form.url.data, form.events.data, current_user
        )
    except service.WebhookError as error:
        return refused(error, lambda status: page(form, status))
    db.session.commit()
    return page(WebhookForm(formdata=None), 201, secret=hook.secret, shown=hook)


@bp.route("/employers/mine/webhooks/<id:webhook_id>/secret", methods=["POST"])
@roles_required(Role.EMPLOYER)
def rotate(webhook_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    hook = own_hook(webhook_id)
    secret = service.rotate(hook, current_user)
    db.session.commit()
    return page(WebhookForm(formdata=None), secret=secret, shown=hook)


@bp.route("/employers/mine/webhooks/<id:webhook_id>/delete", methods=["POST"])
@roles_required(Role.EMPLOYER)
def delete(webhook_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.remove(own_hook(webhook_id), current_user)
    db.session.commit()
    flash(_("Webhook deleted: nothing more is sent to it."), "success")
    return redirect(url_for("webhooks.index"), 303)
