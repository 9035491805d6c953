"""Pages: a candidate's "Recommended for you" with "Not interested", and an employer's
"people to invite" for one of its jobs."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import member_job, roles_required
from app.applications import service as applications
from app.errors import refused
from app.extensions import db
from app.models import Invitation, Job, Resume, Role, User
from app.ranking import recommendations
from app.ranking.service import people_query, reason_texts
from app.templating import current_locale

bp = Blueprint("ranking", __name__)


@bp.route("/recommendations", endpoint="recommendations")
@roles_required(Role.SEEKER)
def recommended_for_you():
    """The cached list, refreshed by a worker when due. A missing list is computed for this
    view when the site is small (else the page says it is being prepared); the page view
    itself never writes."""
    row = recommendations.cached(current_user)
    if recommendations.due(row):
        recommendations.request_refresh(current_user)
    if row is None and recommendations.small_enough_to_compute_now():
        row = recommendations.preview(current_user)
    has_resume = applications.default_resume(current_user) is not None
    return render_template(
        "ranking/recommendations.html",
        row=row,
        items=recommendations.shown(row, current_user),
        has_resume=has_resume,
        reason_texts=reason_texts,
        locale=current_locale(),
    )


@bp.route("/recommendations/<id:job_id>/dismiss", methods=["POST"])
@roles_required(Role.SEEKER)
def dismiss(job_id: int):
    job = db.get_or_404(Job, job_id)
    recommendations.dismiss(current_user, job)
    db.session.commit()
    flash(_("We will not suggest “%(job)s” again.", job=job.title), "info")
    return redirect(url_for("ranking.recommendations"), 303)


@bp.route("/recommendations/jobs/<id:job_id>/people")
@roles_required(Role.EMPLOYER)
def people(job_id: int):
    job = member_job(job_id)
    items = recommendations.people_to_invite(job)
    # candidate id → invitation id: an invited person gets a "Chat" button (app.chat).
    invited = dict(
        db.session.execute(
            db.select(Invitation.candidate_id, Invitation.id).where(
                Invitation.job_id == job.id,
                Invitation.candidate_id.in_([r.user_id for r, _s, _r in items]),
            )
        ).all()
    )
    return render_template(
        "ranking/people.html",
        job=job,
        items=items,
        invited=invited,
        reason_texts=partial(reason_texts, reader="employer"),
        locale=current_locale(),
        can_invite=job.is_public,
    )


@bp.route("/recommendations/jobs/<id:job_id>/people/<id:resume_id>/invite", methods=["POST"])
@roles_required(Role.EMPLOYER)
def invite(job_id: int, resume_id: int):
    """Invite one suggested person. Only résumés the people list may show can be invited
    here; anything else answers 404 like a missing résumé."""
    job = member_job(job_id)
    resume = db.session.scalar(people_query(job).where(Resume.id == resume_id))
    if resume is None:
        abort(404)
    people_page = url_for("ranking.people", job_id=job.id)
    message = request.form.get("message", "")
    try:
        _invitation, created = applications.invite(
            job, db.session.get(User, resume.user_id), current_user, message
        )
    except applications.ApplicationError as error:
        return refused(error, lambda _status: redirect(people_page, 303))
    db.session.commit()
    flash(
        _("Invitation sent.") if created else _("You already invited this candidate to this job."),
        "success",
    )
    return redirect(people_page, 303)
