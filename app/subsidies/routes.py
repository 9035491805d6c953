"""The employer's subsidy page and one-click claim; the rules live in app.subsidies.service."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import OFFICIALS, current_employer, roles_required
from app.dashboards.scope import Scope, current_scope
from app.extensions import db
from app.models import (
    Employer,
    Role,
    SubsidyClaim,
    SubsidyPolicy,
)
from app.subsidies import service
from app.subsidies import service as subsidy_service
from app.subsidies.forms import PolicyForm

bp = Blueprint("subsidies", __name__)


@bp.route("/subsidies/")
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


@bp.route("/subsidies/<int:policy_id>/claim", methods=["POST"])
@roles_required(Role.EMPLOYER)
def claim(policy_id: int):
    employer = current_employer(owner_only=True)
    policy = db.get_or_404(SubsidyPolicy, policy_id)
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


@bp.route("/officials/subsidies")
@roles_required(*OFFICIALS)
def manage():
    scope = current_scope()
    policies = db.session.scalars(scope.policies().order_by(SubsidyPolicy.starts_on.desc())).all()
    status = request.args.get("status") or "claimed"
    claims = db.session.execute(
        scope.claims()
        .where(SubsidyClaim.status == status)
        .add_columns(Employer)
        .order_by(SubsidyClaim.created_at)
        .limit(500)
    ).all()
    return render_template("subsidies/manage.html", policies=policies, claims=claims, status=status)


@bp.route("/officials/subsidies/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_policy():
    form = PolicyForm()
    if form.validate_on_submit():
        if not Scope.of(current_user).covers(form.region_code.data):
            form.region_code.errors.append(_("Choose a region inside your own."))
        else:
            policy = SubsidyPolicy(created_by_id=current_user.id, committed_amount=0)
            form.populate_obj(policy)
            db.session.add(policy)
            db.session.flush()
            audit.record(
                "subsidy.policy",
                policy,
                rule=policy.rule.value if hasattr(policy.rule, "value") else policy.rule,
            )
            db.session.commit()
            flash(_("The subsidy policy is published."), "success")
            return redirect(url_for("subsidies.manage"))
    return render_template("_form_page.html", form=form, title=_("New subsidy policy")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/subsidies/claims", methods=["POST"])
@roles_required(*OFFICIALS)
def review_claims():
    action = request.form.get("action")
    if action not in ("approve", "reject", "pay"):
        abort(422)
    ids = [int(i) for i in request.form.getlist("claim") if i.isdigit()]
    claims = db.session.scalars(
        Scope.of(current_user).claims().where(SubsidyClaim.id.in_(ids or [0]))
    ).all()
    changed = subsidy_service.review(db.session, list(claims), action, current_user)
    db.session.commit()
    flash(_("%(n)s claims updated.", n=changed), "success")
    return redirect(url_for("subsidies.manage", status=request.form.get("status") or "claimed"))
