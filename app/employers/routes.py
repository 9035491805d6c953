"""The employer's company profile and home."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..access import current_employer, get_or_404, roles_required
from ..extensions import db
from ..models import Employer, EmployerMember, Job, JobStatus, MemberRole, Role
from . import bp
from .forms import EmployerForm


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def create():
    if current_user.membership is not None:
        return redirect(url_for("employers.dashboard"))
    form = EmployerForm()
    if form.validate_on_submit():
        employer = Employer()
        form.populate_obj(employer)
        db.session.add(employer)
        db.session.add(EmployerMember(employer=employer, user_id=current_user.id, role=MemberRole.OWNER))
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.credit_code.errors.append(_("A company with this code is already registered."))
            return render_template("employers/form.html", form=form, creating=True), 409
        audit.record("employer.create", employer)
        db.session.commit()
        flash(_("Your company profile is created."), "success")
        return redirect(url_for("employers.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template("employers/form.html", form=form, creating=True), status


@bp.route("/mine")
@roles_required(Role.EMPLOYER)
def dashboard():
    if current_user.membership is None:
        return redirect(url_for("employers.create"))
    employer = current_employer()
    jobs = db.session.scalars(
        select(Job).where(Job.employer_id == employer.id).order_by(Job.created_at.desc())
    ).all()
    return render_template("employers/dashboard.html", employer=employer, jobs=jobs)


@bp.route("/mine/edit", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def edit():
    employer = current_employer(owner_only=True)
    form = EmployerForm(obj=employer)
    if form.validate_on_submit():
        if form.credit_code.data != employer.credit_code and employer.verified:
            form.credit_code.errors.append(_("A verified company's code cannot be changed."))
            return render_template("employers/form.html", form=form, creating=False), 422
        form.populate_obj(employer)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.credit_code.errors.append(_("A company with this code is already registered."))
            return render_template("employers/form.html", form=form, creating=False), 409
        audit.record("employer.update", employer)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("employers.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template("employers/form.html", form=form, creating=False), status


@bp.route("/<int:employer_id>")
def profile(employer_id: int):
    """The public company page: verified employers only (others are not yet public)."""
    employer = get_or_404(Employer, employer_id)
    if not employer.verified and not (
        current_user.is_authenticated and current_user.employer is not None
        and current_user.employer.id == employer.id
    ):
        abort(404)
    jobs = db.session.scalars(
        select(Job)
        .where(Job.employer_id == employer.id, Job.status == JobStatus.PUBLISHED)
        .order_by(Job.published_at.desc())
    ).all()
    return render_template("employers/profile.html", employer=employer, jobs=jobs)
