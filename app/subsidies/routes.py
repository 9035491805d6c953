"""The employer's subsidy page and one-click claim; the rules live in app.officials.subsidies."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import current_employer, get_or_404, roles_required
from app.extensions import db
from app.models import Role, SubsidyClaim, SubsidyPolicy
from app.officials import subsidies as service
from app.subsidies import bp


@bp.route("/")
@roles_required(Role.EMPLOYER)
def index():
    employer = current_employer()
    claims = {
        c.policy_id: c
        for c in db.session.scalars(
            sa.select(SubsidyClaim).where(SubsidyClaim.employer_id == employer.id)
        )
    }
    offers = [
        (p, service.eligibility(db.session, p, employer), claims.get(p.id))
        for p in service.open_policies(db.session, employer)
    ]
    return render_template("subsidies/index.html", offers=offers, claims=claims)


@bp.route("/<int:policy_id>/claim", methods=["POST"])
@roles_required(Role.EMPLOYER)
def claim(policy_id: int):
    employer = current_employer(owner_only=True)
    policy = get_or_404(SubsidyPolicy, policy_id)
    if not employer.region_code.startswith(policy.region_code):
        abort(404)
    try:
        item = service.claim(db.session, policy, employer, current_user)
        db.session.commit()
    except service.ClaimError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("subsidies.index")), 409
    flash(
        _("Claimed %(amount)s. Your district will review it.", amount=f"¥{item.amount:,}"),
        "success",
    )
    return redirect(url_for("subsidies.index"))
