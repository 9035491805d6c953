"""Labor cooperation pages: officials record agreements between a region of theirs and a
partner region. (Seekers meet partner jobs on the home page: ``service.partner_jobs_for``.)"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import OFFICIALS, roles_required
from app.cooperation import service
from app.cooperation.forms import AgreementForm
from app.dashboards.routes import board
from app.dashboards.scope import Scope
from app.errors import refused
from app.extensions import db
from app.models import CooperationAgreement

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
            agreement = service.create(db.session, current_user, form)
            db.session.commit()
            flash(
                _("The agreement is in force.")
                if agreement.awaiting_code is None
                else _(
                    "The proposal is sent: the agreement is in force once the partner region accepts it."
                ),
                "success",
            )
            return redirect(url_for("dashboards.board", board="cooperation"))
    return render_template(
        "_form_page.html", form=form, title=_("New labor cooperation agreement")
    ), (422 if form.is_submitted() else 200)


DONE = {
    "accept": lambda: _("The agreement is in force."),
    "decline": lambda: _("The proposal is declined."),
    "withdraw": lambda: _("The proposal is withdrawn."),
    "end": lambda: _("The agreement is ended: partner jobs and subsidies no longer follow it."),
}


@bp.route("/officials/cooperation/<id:agreement_id>/<action>", methods=["POST"])
@roles_required(*OFFICIALS)
def act(agreement_id: int, action: str):
    if action not in service.ACTIONS:
        abort(404)
    agreement = db.get_or_404(CooperationAgreement, agreement_id)
    scope = Scope.of(current_user)
    if not (scope.covers(agreement.origin_code) or scope.covers(agreement.destination_code)):
        abort(404)
    try:
        service.act(db.session, current_user, agreement, action)
    except service.AgreementError as error:
        return refused(error, lambda status: (board("cooperation"), status))
    db.session.commit()
    flash(DONE[action](), "success")
    return redirect(url_for("dashboards.board", board="cooperation"))
