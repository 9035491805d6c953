"""Labor cooperation pages: officials record agreements between a region of theirs and a
partner region. (Seekers meet partner jobs on the home page: ``service.partner_jobs_for``.)"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import OFFICIALS, roles_required
from app.cooperation import service
from app.cooperation.forms import AgreementForm
from app.dashboards.scope import Scope
from app.extensions import db

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
            service.create(db.session, current_user, form)
            db.session.commit()
            flash(_("The agreement is saved."), "success")
            return redirect(url_for("dashboards.board", board="cooperation"))
    return render_template(
        "_form_page.html", form=form, title=_("New labor cooperation agreement")
    ), (422 if form.is_submitted() else 200)
