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


REVIEWABLE = {
    ClaimStatus.CLAIMED: ("approve", "reject"),
    ClaimStatus.APPROVED: ("pay", "reject"),
}
"""The actions each tab offers (service.REVIEW_MOVES: what each may move); a paid or rejected
claim is final, so those tabs list claims with nothing to tick."""


def claim_rows(scope: Scope, status: str, ids: list[int] | None = None, limit: int = 500):
    """(claim, employer, policy) of the scope's claims in STATUS, oldest first (only IDS)."""
    query = (
        scope.claims()
        .where(SubsidyClaim.status == status)
        .add_columns(Employer, SubsidyPolicy)
        .join(SubsidyPolicy, SubsidyClaim.policy_id == SubsidyPolicy.id)
        .order_by(SubsidyClaim.created_at, SubsidyClaim.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(SubsidyClaim.id.in_(ids or [0]))
    return db.session.execute(query).all()


def claim_status(value: str | None) -> ClaimStatus:
    """The tab asked for; an unknown one (a typo, an old link) shows the default tab, which
    the page marks as the one shown, rather than an error naming codes nobody reads."""
    try:
        return ClaimStatus(value or ClaimStatus.CLAIMED)
    except ValueError:
        return ClaimStatus.CLAIMED


@bp.route("/officials/subsidies")
@roles_required(*OFFICIALS)
def manage():
    """The region's policies, and its claims in one status (``?status=``, default "claimed")."""
    scope = current_scope()
    policies = db.session.scalars(scope.policies().order_by(SubsidyPolicy.starts_on.desc())).all()
    status = claim_status(request.args.get("status"))
    return render_template(
        "subsidies/manage.html",
        policies=policies,
        claims=claim_rows(scope, status),
        status=status.value,
        actions=REVIEWABLE.get(status, ()),
    )


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
    """Approve, reject or mark paid the claims the official ticked on one tab.

    Only claims still in that tab's status are touched (one decided by a colleague meanwhile
    is left alone), and a rejection is shown once more with its count and total before it is
    made: on a phone a stray tap must not reject a whole list."""
    status = claim_status(request.form.get("status"))
    action = request.form.get("action")
    if action not in REVIEWABLE.get(status, ()):
        abort(422)
    back = url_for("subsidies.manage", status=status.value)
    rows = claim_rows(Scope.of(current_user), status, as_ids(request.form.getlist("claim")))
    if not rows:
        flash(_("Tick the claims to decide first."), "error")
        return redirect(back)
    if action == "reject" and request.form.get("confirmed") != "1":
        return render_template(
            "subsidies/confirm_reject.html",
            claims=rows,
            status=status.value,
            total=sum(claim.amount for claim, _employer, _policy in rows),
            back=back,
        )
    changed = service.review(db.session, [claim for claim, _e, _p in rows], action, current_user)
    db.session.commit()
    flash(ngettext("%(num)d claim updated.", "%(num)d claims updated.", changed), "success")
    return redirect(back)
