"""Administrators' pages: accounts (list, create, change, disable) and the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.admin import service
from app.admin.audit_details import page_details
from app.admin.forms import AuditFilterForm, EditUserForm, NewUserForm, OwnerForm, UserSearchForm
from app.employers import ownership
from app.errors import refused
from app.exports import csv_response
from app.extensions import db, limiter
from app.labels import list_comma
from app.models import Employer, Role, User

bp = Blueprint("admin", __name__)


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    form = UserSearchForm(request.args)
    if not form.validate():
        return render_template("admin/users.html", form=form, users=[]), 400
    after = request.args.get("after", "")
    users = service.find_users(
        form.q.data or "",
        form.role.data or "",
        int(after) if after.isdecimal() and len(after) < 10 else None,
    )
    return render_template("admin/users.html", form=form, users=users, page=service.USERS_PAGE)


def user_form_page(form, title: str, status: int = 200):
    return render_template("_form_page.html", form=form, title=title), status


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
@limiter.limit("60 per hour", methods=["POST"])
def new_user():
    form = NewUserForm()
    title = _("New account")
    if not form.validate_on_submit():
        return user_form_page(form, title, 422 if form.is_submitted() else 200)
    try:
        user = service.create_user(
            current_user,
            form.email.data,
            form.name.data,
            Role(form.role.data),
            form.region_code.data or None,
        )
    except service.AdminError as error:
        return refused(error, lambda status: user_form_page(form, title, status))
    db.session.commit()
    flash(
        _("Account created: %(email)s was sent a link to set a password.", email=user.email),
        "success",
    )
    return redirect(url_for("admin.users"), 303)


@bp.route("/admin/users/<id:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user) if request.method == "GET" else EditUserForm()
    if request.method == "GET":
        form.role.data = user.role.value
    title = _("Account %(email)s", email=user.email)
    if not form.validate_on_submit():
        return user_form_page(form, title, 422 if form.is_submitted() else 200)
    try:
        changed = service.change_user(
            current_user,
            user,
            form.name.data,
            Role(form.role.data),
            form.region_code.data or None,
            form.active.data,
        )
    except service.AdminError as error:
        return refused(error, lambda status: user_form_page(form, title, status))
    db.session.commit()
    if changed:
        # the fields by their labels on the form, never their column names
        labels = list_comma().join(str(form[name].label.text) for name in changed)
        flash(_("Saved: %(fields)s.", fields=labels), "success")
    return redirect(url_for("admin.users"), 303)


def ownerless_page(form: OwnerForm | None = None, failed: int | None = None, status: int = 200):
    return render_template(
        "admin/ownerless.html",
        employers=ownership.ownerless(),
        form=form or OwnerForm(formdata=None),
        failed=failed,
    ), status


@bp.route("/admin/employers/ownerless")
@roles_required(Role.ADMIN)
def ownerless():
    """Companies nobody can sign in to (their last owner's account was erased)."""
    return ownerless_page()


@bp.route("/admin/employers/<id:employer_id>/owner", methods=["POST"])
@roles_required(Role.ADMIN)
@limiter.limit("60 per hour")
def assign_owner(employer_id: int):
    employer = db.get_or_404(Employer, employer_id)
    form = OwnerForm()
    if not form.validate_on_submit():
        return ownerless_page(form, employer.id, 422)
    try:
        user = ownership.assign_owner(employer, form.email.data, current_user)
    except ownership.OwnershipError as error:
        return refused(error, lambda status: ownerless_page(form, employer.id, status))
    db.session.commit()
    flash(
        _("%(email)s now owns %(employer)s.", email=user.email, employer=employer.name), "success"
    )
    return redirect(url_for("admin.ownerless"), 303)


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, rows=[], csv_args={}), 400
    filters = {
        "actor": form.actor.data or "",
        "object_type": form.object_type.data or "",
        "object_id": form.object_id.data or "",
        "action": form.action.data or "",
        "since": form.since.data,
        "until": form.until.data,
    }
    query = service.audit_query(**filters)
    if request.args.get("format") == "csv":
        rows = db.session.execute(query.limit(service.CSV_LIMIT))
        return csv_response(
            "audit-log.csv",
            [
                "id",
                "time (UTC)",
                "actor id",
                "actor email",
                "action",
                "object type",
                "object id",
                "ip",
                "data",
            ],
            (
                (
                    e.id,
                    e.created_at.isoformat(),
                    e.actor_id,
                    email,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.ip,
                    e.data,
                )
                for e, email in rows
            ),
            private=True,
        )
    rows = db.session.execute(query.limit(service.PAGE)).all()
    details = page_details([entry for entry, _email in rows])
    csv_args = {k: v for k, v in request.args.items() if v and k != "format"}
    return render_template(
        "admin/audit.html",
        form=form,
        rows=[(entry, email, shown) for (entry, email), shown in zip(rows, details, strict=True)],
        csv_args=csv_args,
    )
