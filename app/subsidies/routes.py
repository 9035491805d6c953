"""Subsidy pages. Employers see what their company may claim and claim it in one click;
officials publish policies for their region and review the claims (``/officials/subsidies``).
The rules (eligibility, the budget held under concurrent claims) live in app.subsidies.service.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import OFFICIALS, current_employer, roles_required
from app.dashboards.scope import Scope, current_scope
from app.errors import refused
from app.extensions import db
from app.models import ClaimStatus, Employer, MemberRole, Role, SubsidyClaim, SubsidyPolicy
from app.routing import as_ids
from app.subsidies import service
from app.subsidies.forms import PolicyForm
from app.subsidies.service import ClaimError

bp = Blueprint("subsidies", __name__)


@bp.route("/subsidies/")
@roles_required(Role.EMPLOYER)
def index():
    employer = current_employer()
    return render_template(
        "subsidies/index.html",
        offers=service.offers(db.session, employer),
        owner=current_user.membership.role == MemberRole.OWNER,  # who may claim
    )


@bp.route("/subsidies/<id:policy_id>/claim", methods=["POST"])
@roles_required(Role.EMPLOYER)
def claim(policy_id: int):
    employer = current_employer(owner_only=True)
    policy = db.get_or_404(SubsidyPolicy, policy_id)
    if not employer.region_code.startswith(policy.region_code):
        abort(404)
    try:
        item = service.claim(db.session, policy, employer, current_user)
    except ClaimError as error:
        # the list again, with the reason: a redirect answered with 409 is not followed
        return refused(error, lambda status: (index(), status))
    db.session.commit()
    flash(
        _("Claimed %(amount)s. Your district will review it.", amount=f"¥{item.amount:,}"),
        "success",
    )
    return redirect(url_for("subsidies.index"))


# Officials ---------------------------------------------------------------------------------


@bp.route("/officials/subsidies")
@roles_required(*OFFICIALS)
def manage():
    """The region's policies, and its claims in one status (``?status=``, default "claimed")."""
    scope = current_scope()
    policies = db.session.scalars(scope.policies().order_by(SubsidyPolicy.starts_on.desc())).all()
    status = request.args.get("status") or ClaimStatus.CLAIMED
    statuses = [s.value for s in ClaimStatus]
    if status not in statuses:
        abort(400, _("Choose one of: %(values)s.", values=", ".join(statuses)))
    claims = db.session.execute(
        scope.claims()
        .where(SubsidyClaim.status == status)
        .add_columns(Employer, SubsidyPolicy)
        .join(SubsidyPolicy, SubsidyClaim.policy_id == SubsidyPolicy.id)
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
            service.publish_policy(db.session, current_user, form)
            db.session.commit()
            flash(_("The subsidy policy is published."), "success")
            return redirect(url_for("subsidies.manage"))
    return render_template("_form_page.html", form=form, title=_("New subsidy policy")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/subsidies/claims", methods=["POST"])
@roles_required(*OFFICIALS)
def review_claims():
    """Approve, reject or mark paid the ticked claims of the official's region at once."""
    action = request.form.get("action")
    if action not in ("approve", "reject", "pay"):
        abort(422)
    ids = as_ids(request.form.getlist("claim"))
    claims = db.session.scalars(
        Scope.of(current_user).claims().where(SubsidyClaim.id.in_(ids or [0]))
    ).all()
    changed = service.review(db.session, list(claims), action, current_user)
    db.session.commit()
    flash(ngettext("%(num)d claim updated.", "%(num)d claims updated.", changed), "success")
    return redirect(url_for("subsidies.manage", status=request.form.get("status") or "claimed"))
