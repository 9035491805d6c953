"""Pages: saving the current job search, the saved searches, unsubscribing from a mail,
favourite jobs, and who viewed my résumé."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.alerts import service
from app.errors import DomainError, refused
from app.extensions import csrf, db
from app.models import AlertFrequency, Employer, Job, Role, SavedSearch

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def favourites_helper() -> dict:
    def is_favourite(job_id: int) -> bool:
        return current_user.is_authenticated and service.is_favourite(current_user, job_id)

    return {"is_favourite": is_favourite}


@bp.route("/saved-searches")
@roles_required(Role.SEEKER)
def index():
    searches = service.saved_of(current_user)
    return render_template(
        "alerts/index.html", searches=[(s, service.filters_said(s)) for s in searches]
    )


@bp.route("/saved-searches", methods=["POST"])
@roles_required(Role.SEEKER)
def save():
    """Save the search of the /jobs/ page the form was on."""
    filters = {
        name: values
        for name in service.FILTERS
        if (values := [v for v in request.form.getlist(name) if v])
    }
    frequency = request.form.get("frequency", AlertFrequency.DAILY)
    if frequency not in {f.value for f in AlertFrequency}:
        frequency = AlertFrequency.DAILY
    try:
        service.save(
            current_user._get_current_object(),  # locked: a row, not the proxy
            request.form.get("name", ""),
            request.form.get("q", ""),
            filters,
            AlertFrequency(frequency),
        )
    except DomainError as error:  # a duplicate or one too many: the list to choose from
        return refused(error, lambda status: redirect(url_for("alerts.index")))
    db.session.commit()
    flash(_("Search saved. New matching jobs will be sent to you."), "success")
    return redirect(url_for("alerts.index"))


@bp.route("/saved-searches/<id:search_id>/delete", methods=["POST"])
@roles_required(Role.SEEKER)
def delete(search_id: int):
    saved = db.session.get(SavedSearch, search_id)
    if saved is None or saved.user_id != current_user.id:
        abort(404)
    db.session.delete(saved)
    db.session.commit()
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("alerts.index"))


@bp.route("/saved-searches/<id:search_id>/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST carries no session: the signed token is the proof
def unsubscribe(search_id: int, token: str):
    """The link in every alert mail: signed, no log-in needed. GET shows one button (GETs
    never write, and mail scanners follow links); POST, also what mail clients send for
    List-Unsubscribe-Post, stops the alerts."""
    saved = db.session.get(SavedSearch, search_id)
    if saved is None or service.read_unsubscribe(token) != saved.id:
        abort(404)
    if request.method == "POST":
        saved.frequency = AlertFrequency.OFF
        db.session.commit()
        return render_template("alerts/unsubscribed.html", saved=saved, done=True)
    return render_template("alerts/unsubscribed.html", saved=saved, done=False, token=token)


@bp.route("/jobs/<id:job_id>/favourite", methods=["POST"])
@roles_required(Role.SEEKER)
def toggle_favourite(job_id: int):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if service.is_favourite(current_user, job_id):
        service.unfavour(current_user, job_id)
        flash(_("Removed from your favourites."), "success")
    elif job.is_public:
        service.favour(current_user, job)
        flash(_("Added to your favourites."), "success")
    else:
        abort(404)
    db.session.commit()
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.route("/favourites")
@roles_required(Role.SEEKER)
def favourites():
    return render_template("alerts/favourites.html", jobs=service.favourites_of(current_user))


@bp.route("/resumes/viewers")
@roles_required(Role.SEEKER)
def viewers():
    """Who viewed my résumé: companies and when, most recent first."""
    seen = service.viewers(current_user.id)
    employers = {
        e.id: e
        for e in db.session.scalars(select(Employer).where(Employer.id.in_([i for i, _t in seen])))
    }
    rows = [(employers[i], at) for i, at in seen if i in employers]
    return render_template("alerts/viewers.html", rows=rows)
