"""The candidate's résumé builder, and viewing a résumé under its visibility rules."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import exists, select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..access import get_or_404, roles_required
from ..extensions import db
from ..forms import TagListField, region_exists
from ..labels import EDUCATION_LEVELS, VISIBILITIES, choices
from ..models import Application, Job, Resume, Role, User, Visibility
from . import bp


class ResumeForm(FlaskForm):
    headline = StringField(_l("Headline"), validators=[DataRequired(), Length(max=120)])
    summary = TextAreaField(_l("About me"), validators=[Length(max=5000)])
    skills = TagListField(_l("Skills"))
    certificates = TagListField(_l("Certificates"))
    education_level = SelectField(_l("Education"), choices=choices(EDUCATION_LEVELS))
    years_experience = IntegerField(
        _l("Years of experience"), default=0, validators=[NumberRange(min=0, max=60)]
    )
    expected_salary_min = IntegerField(
        _l("Expected monthly salary from (¥)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )
    expected_salary_max = IntegerField(
        _l("to (¥)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )
    region_code = StringField(_l("Where I live"), validators=[Optional(), region_exists])
    willing_to_relocate = BooleanField(_l("Willing to relocate"))
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    visibility = SelectField(_l("Who can see my résumé"), choices=choices(VISIBILITIES))

    def validate_expected_salary_max(self, field) -> None:
        low = self.expected_salary_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The upper bound must not be below the lower bound."))


def default_resume(user: User) -> Resume | None:
    return db.session.scalar(
        select(Resume).where(Resume.user_id == user.id, Resume.is_default.is_(True))
    )


@bp.route("/mine", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
def edit():
    resume = default_resume(current_user)
    form = ResumeForm(obj=resume)
    if form.validate_on_submit():
        if resume is None:
            resume = Resume(user_id=current_user.id, is_default=True)
            db.session.add(resume)
        form.populate_obj(resume)
        resume.region_code = resume.region_code or None
        db.session.commit()
        flash(_("Your résumé is saved."), "success")
        return redirect(url_for("resumes.edit"))
    status = 422 if form.is_submitted() else 200
    return render_template("resumes/edit.html", form=form, resume=resume), status


def can_view(user: User, resume: Resume) -> bool:
    """Owners always; employers by the résumé's visibility (hidden ones only if applied)."""
    if resume.user_id == user.id or user.role == Role.ADMIN:
        return True
    employer = user.employer
    if employer is None:
        return False
    applied = db.session.scalar(
        select(
            exists().where(
                Application.candidate_id == resume.user_id,
                Application.job_id == Job.id,
                Job.employer_id == employer.id,
            )
        )
    )
    if applied:
        return True
    return resume.visibility == Visibility.PUBLIC and employer.verified


@bp.route("/<int:resume_id>")
@roles_required(Role.SEEKER, Role.EMPLOYER, Role.ADMIN)
def view(resume_id: int):
    resume = get_or_404(Resume, resume_id)
    if not can_view(current_user, resume):
        abort(404)
    return render_template("resumes/view.html", resume=resume, owner=resume.user_id == current_user.id)
