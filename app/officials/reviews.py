"""The official's review pages: submitted company documents and fraud reports on jobs.

Officials see only employers in their region subtree; anything else answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.access import covers_region, get_or_404, roles_required
from app.employers import reports, review
from app.extensions import db
from app.models import Employer, JobReport, ReviewDecision, Role
from app.officials import bp
from app.video import identity


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            (ReviewDecision.APPROVED.value, _l("Approve")),
            (ReviewDecision.RETURNED.value, _l("Return for changes")),
        ],
        validators=[DataRequired()],
    )
    reasons = TextAreaField(_l("Reasons (required when returning)"), validators=[Length(max=2000)])
    without_identity = BooleanField(_l("Approve without an approved video identity check"))


class ReportDecisionForm(FlaskForm):
    close_job = BooleanField(_l("Also close the job"), default=True)


def scope_code() -> str:
    """The official's region; admins review the whole country (the empty prefix)."""
    return current_user.region_code or "" if current_user.role == Role.OFFICIAL else ""


def employer_in_scope(employer_id: int) -> Employer:
    employer = get_or_404(Employer, employer_id)
    if not covers_region(current_user, employer.region_code):
        abort(404)
    return employer


@bp.route("/reviews")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def reviews():
    rows = db.session.execute(review.queue_query(scope_code()).limit(200)).all()
    return render_template("officials/reviews.html", rows=rows, rule=review.FAST_TRACK_RULE)


@bp.route("/reviews/<int:employer_id>", methods=["GET", "POST"], endpoint="review")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def review_employer(employer_id: int):
    employer = employer_in_scope(employer_id)
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            identity.guard_employer_approval(
                employer,
                current_user,
                ReviewDecision(form.decision.data),
                bool(form.without_identity.data),
            )
            review.decide(
                employer, current_user, ReviewDecision(form.decision.data), form.reasons.data or ""
            )
        except review.ReviewError as error:
            db.session.rollback()
            form.reasons.errors.append(str(error))
            status = 422 if form.decision.data == ReviewDecision.RETURNED.value else 409
        else:
            db.session.commit()
            flash(_("Decision recorded; the employer has been told."), "success")
            return redirect(url_for("officials.reviews"))
    elif form.is_submitted():
        status = 422
    history = review.history(employer)
    return render_template(
        "officials/review.html",
        employer=employer,
        form=form,
        history=history,
        documents=review.current_documents(employer),
        trusted=review.is_trusted(employer),
        rule=review.FAST_TRACK_RULE,
        identity_rule=identity.APPROVAL_RULE,
    ), status


@bp.route("/reports", endpoint="reports")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def reports_queue():
    items = db.session.scalars(reports.open_reports_query(scope_code()).limit(200)).all()
    return render_template(
        "officials/review_reports.html",
        items=items,
        reasons=reports.REASONS,
        form=ReportDecisionForm(),
    )


@bp.route("/reports/<int:report_id>/<any(uphold, dismiss):decision>", methods=["POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def decide_report(report_id: int, decision: str):
    item = get_or_404(JobReport, report_id)
    if not covers_region(current_user, item.job.employer.region_code):
        abort(404)
    form = ReportDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reports.resolve(
            item,
            current_user,
            uphold=decision == "uphold",
            close_job=bool(request.form.get("close_job")),
        )
    except reports.ReportError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("officials.reports")), 303
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return redirect(url_for("officials.reports"))
