"""The employer's resumption report (复工复产): a short form, one report per day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app import audit
from app.access import current_employer, roles_required
from app.employers import bp
from app.extensions import db
from app.models import ResumptionReport, Role


class ResumptionForm(FlaskForm):
    resumed = BooleanField(_l("We have resumed work"))
    resumed_on = DateField(_l("Resumed on"), validators=[Optional()])
    workers_back = IntegerField(
        _l("Workers back at work"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)]
    )
    workers_total = IntegerField(
        _l("Workers in total"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    obstacles = TextAreaField(_l("Obstacles (optional)"), validators=[Length(max=2000)])

    def validate_workers_back(self, field) -> None:
        if (
            self.workers_total.data is not None
            and field.data is not None
            and field.data > self.workers_total.data
        ):
            raise ValidationError(_l("Cannot exceed the workers in total."))

    def validate_resumed_on(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("Cannot be in the future."))


@bp.route("/mine/resumption", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def resumption():
    employer = current_employer()
    today = date.today()
    report = db.session.scalar(
        sa.select(ResumptionReport).where(
            ResumptionReport.employer_id == employer.id, ResumptionReport.report_date == today
        )
    )
    form = ResumptionForm(obj=report)
    if form.validate_on_submit():
        report = report or ResumptionReport(employer_id=employer.id, report_date=today)
        form.populate_obj(report)
        if report.resumed and report.resumed_on is None:
            report.resumed_on = today
        if not report.resumed:
            report.resumed_on = None
        db.session.add(report)
        db.session.flush()
        audit.record(
            "resumption.report", report, resumed=report.resumed, workers_back=report.workers_back
        )
        db.session.commit()
        flash(_("Thank you: today's report is saved."), "success")
        return redirect(url_for("employers.resumption"))
    history = db.session.scalars(
        sa.select(ResumptionReport)
        .where(ResumptionReport.employer_id == employer.id)
        .order_by(ResumptionReport.report_date.desc())
        .limit(14)
    ).all()
    return render_template("employers/resumption.html", form=form, history=history), (
        422 if form.is_submitted() else 200
    )
