"""Labor cooperation between regions: officials record agreements; seekers see partner jobs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import OFFICIALS, roles_required
from app.cooperation.forms import AgreementForm
from app.cooperation.service import partner_jobs
from app.dashboards.scope import Scope
from app.extensions import db
from app.models import (
    CooperationAgreement,
    Job,
    Role,
    User,
)
from app.queue import DERIVED, defer

bp = Blueprint("cooperation", __name__)


@bp.route("/officials/cooperation/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_agreement():
    form = AgreementForm()
    if form.validate_on_submit():
        scope = Scope.of(current_user)
        if not (scope.covers(form.origin_code.data) or scope.covers(form.destination_code.data)):
            form.origin_code.errors.append(_("One end of the agreement must be in your region."))
        else:
            agreement = CooperationAgreement(created_by_id=current_user.id)
            form.populate_obj(agreement)
            db.session.add(agreement)
            db.session.flush()
            audit.record("cooperation.create", agreement)
            defer(
                "app.dashboards.tasks.refresh", job_timeout=1800, queue=DERIVED
            )  # its flows are rollups too
            db.session.commit()
            flash(_("The agreement is saved."), "success")
            return redirect(url_for("dashboards.board", board="cooperation"))
    return render_template(
        "_form_page.html", form=form, title=_("New labor cooperation agreement")
    ), (422 if form.is_submitted() else 200)


@bp.app_template_global("partner_jobs_for")
def partner_jobs_for(user: User) -> list[Job]:
    if not getattr(user, "is_authenticated", False) or user.role != Role.SEEKER:
        return []
    return partner_jobs(db.session, user)
