"""Employers' pages: the company profile, documents for review, colleagues, and the
officials' review of submitted documents. The rules are in service.py (the profile),
review.py and members.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import uploads
from app.access import (
    OFFICIALS,
    covers_region,
    current_employer,
    roles_required,
    scope_code,
    works_for,
)
from app.accounts.service import create_user
from app.dashboards.scope import scoped_get
from app.employers import fast_track, members, review, service
from app.employers.forms import (
    DecisionForm,
    DocumentsForm,
    EmployerForm,
    FastTrackRuleForm,
    InviteForm,
    JoinForm,
    PostCheckForm,
)
from app.errors import DomainError, refused
from app.extensions import db, limiter, per_account
from app.identity import service as identity
from app.identity.forms import DecideForm
from app.models import (
    DocumentKind,
    Employer,
    EmployerDocument,
    EmployerMember,
    Job,
    ReviewDecision,
    Role,
    User,
    VerificationState,
    utcnow,
)
from app.privacy.service import accept_notice
from app.security import sign_in

bp = Blueprint("employers", __name__)


def can_see_private(employer: Employer) -> bool:
    """Members and the officials of the employer's region see what the public does not."""
    if not current_user.is_authenticated:
        return False
    return works_for(current_user, employer.id) or covers_region(current_user, employer.region_code)


# The company profile ----------------------------------------------------------------------


def profile_form_page(form: EmployerForm, creating: bool, status: int):
    return render_template("employers/form.html", form=form, creating=creating), status


def save_profile(form: EmployerForm, employer: Employer, creating: bool):
    """Validate, store the logo and save, in one transaction; the page or its errors."""
    if not form.validate_on_submit():
        return profile_form_page(form, creating, 422 if form.is_submitted() else 200)
    try:
        replaced_logo = service.save_profile(employer, form.data, form.logo.data, current_user)
    except DomainError as error:
        return refused(error, lambda status: profile_form_page(form, creating, status))
    db.session.commit()
    uploads.discard(replaced_logo)
    flash(_("Your company profile is created.") if creating else _("Saved."), "success")
    return redirect(url_for("employers.dashboard"))


@bp.route("/employers/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
@uploads.rate_limited
def create():
    if current_user.membership is not None:
        return redirect(url_for("employers.dashboard"))
    return save_profile(EmployerForm(), Employer(), creating=True)


@bp.route("/employers/mine")
@roles_required(Role.EMPLOYER)
def dashboard():
    if current_user.membership is None:
        return redirect(url_for("employers.create"))
    employer = current_employer()
    jobs = db.session.scalars(
        select(Job).where(Job.employer_id == employer.id).order_by(Job.created_at.desc())
    ).all()
    return render_template(
        "employers/dashboard.html", employer=employer, jobs=jobs, missing=review.missing(employer)
    )


@bp.route("/employers/mine/edit", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
@uploads.rate_limited
def edit():
    employer = current_employer(owner_only=True)
    return save_profile(EmployerForm(obj=employer), employer, creating=False)


@bp.route("/employers/<id:employer_id>")
def profile(employer_id: int):
    """The public company page: verified employers only (others are not yet public)."""
    employer = db.get_or_404(Employer, employer_id)
    if not employer.verified and not can_see_private(employer):
        abort(404)
    jobs = db.session.scalars(
        select(Job)
        .where(Job.employer_id == employer.id, Job.is_public)
        .order_by(Job.published_at.desc())
    ).all()
    return render_template("employers/profile.html", employer=employer, jobs=jobs)


@bp.route("/employers/<id:employer_id>/logo")
def logo(employer_id: int):
    employer = db.get_or_404(Employer, employer_id)
    if not employer.logo_path or not (employer.verified or can_see_private(employer)):
        abort(404)
    content_type = uploads.PNG if employer.logo_path.endswith(".png") else uploads.JPEG
    return uploads.send_upload(employer.logo_path, content_type, f"logo{employer.logo_path[-4:]}")


# Online document review: the employer's side -----------------------------------------------


def verification_page(employer: Employer, form: DocumentsForm, status: int):
    return render_template(
        "employers/verification.html",
        employer=employer,
        form=form,
        reviews=review.history(employer),
        documents=review.current_documents(employer),
        missing=review.missing(employer),
        editable=employer.verification_state in review.EDITABLE,
        fast_track_refusals=fast_track.refusals(employer),
        identity=identity.latest(employer),
    ), status


@bp.route("/employers/mine/verification", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
@uploads.rate_limited
def verification():
    """Upload the licence and the legal representative's ID, then submit them for review."""
    employer = current_employer(owner_only=True)
    form = DocumentsForm(obj=employer)
    if not form.validate_on_submit():
        return verification_page(employer, form, 422 if form.is_submitted() else 200)
    fields = {
        DocumentKind.BUSINESS_LICENCE: form.business_licence,
        DocumentKind.LEGAL_REP_ID: form.legal_rep_id,
    }
    sent = {kind: field.data for kind, field in fields.items()}
    try:
        stored, bad_files = review.save_documents(
            employer, form.legal_rep_name.data, sent, current_user
        )
    except DomainError as error:
        return refused(error, lambda status: verification_page(employer, form, status))
    if bad_files:
        # Each refusal beside its file; the rest is kept, so a good file is not chosen again.
        for kind, error in bad_files.items():
            fields[kind].errors.append(str(error.message))
        db.session.commit()
        if stored:
            flash(_("Everything else was saved; choose the file marked below again."), "success")
        return verification_page(employer, form, next(iter(bad_files.values())).status)
    if request.form.get("action") != "submit":
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("employers.verification"))
    try:
        review.submit(employer, current_user)
    except review.ReviewError as error:
        return refused(error, lambda _status: redirect(url_for("employers.verification"), 303))
    if form.commitment.data and not fast_track.refusals(employer):
        fast_track.approve_on_commitment(employer, current_user)
        db.session.commit()
        flash(
            _("Approved on your commitment. Officials will check your documents afterwards."),
            "success",
        )
        return redirect(url_for("employers.verification"))
    db.session.commit()
    flash(_("Submitted. Officials of your region will review your documents."), "success")
    return redirect(url_for("employers.verification"))


@bp.route("/employers/<id:employer_id>/documents/<id:document_id>")
@login_required
def document(employer_id: int, document_id: int):
    """A submitted document, for the employer's members and its region's officials only."""
    item = db.get_or_404(EmployerDocument, document_id)
    if item.employer_id != employer_id or not can_see_private(item.employer):
        abort(404)
    return uploads.send_upload(item.stored_name, item.content_type, item.filename)


# Colleagues ---------------------------------------------------------------------------------


def team_page(employer: Employer, form: InviteForm, status: int):
    people = db.session.scalars(
        select(EmployerMember)
        .where(EmployerMember.employer_id == employer.id)
        .order_by(EmployerMember.created_at)
    ).all()
    waiting, expired = members.unanswered_invites(employer)
    return render_template(
        "employers/members.html",
        employer=employer,
        form=form,
        people=people,
        waiting=waiting,
        expired=expired,
        expires_at=members.link_expires_at,
        valid_days=members.INVITE_VALID_DAYS,
    ), status


@bp.route("/employers/mine/members", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
# Each invitation mails an address the owner typed, with their words in it: a cap keeps the
# form from relaying mail to strangers.
@limiter.limit("20 per hour;50 per day", methods=["POST"], key_func=per_account)
def team():
    employer = current_employer(owner_only=True)
    form = InviteForm()
    if not form.validate_on_submit():
        return team_page(employer, form, 422 if form.is_submitted() else 200)
    try:
        invite = members.invite(employer, form.email.data, current_user)
    except members.MembershipError as error:
        return refused(error, lambda status: team_page(employer, form, status))
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=invite.email), "success")
    return redirect(url_for("employers.team"))


@bp.route("/employers/mine/members/<id:member_id>/remove", methods=["POST"])
@roles_required(Role.EMPLOYER)
def remove_member(member_id: int):
    employer = current_employer(owner_only=True)
    member = db.get_or_404(EmployerMember, member_id)
    if member.employer_id != employer.id:
        abort(404)
    try:
        members.remove(employer, member, current_user)
    except members.MembershipError as error:
        return refused(error, lambda _status: redirect(url_for("employers.team"), 303))
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("employers.team"))


@bp.route("/employers/invites/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invite(token: str):
    """Join from an emailed link: logged in with the invited address, or as a new account.
    A broken link (400) or an invitation for someone else (403) is answered by the error
    page with the reason."""
    invite = members.read_invite(token)
    employer = db.session.get(Employer, invite.employer_id)
    if current_user.is_authenticated:
        if request.method == "POST":
            members.accept(invite, current_user)
            db.session.commit()
            flash(_("You joined %(employer)s.", employer=employer.name), "success")
            return redirect(url_for("employers.dashboard"))
        return render_template("employers/invite.html", invite=invite, employer=employer, form=None)
    existing = db.session.scalar(select(User.id).where(User.email == invite.email))
    if existing:
        flash(_("Log in with %(email)s to accept the invitation.", email=invite.email), "info")
        return redirect(url_for("accounts.login", next=request.path))
    form = JoinForm()
    if form.validate_on_submit():
        user = create_user(
            form.name.data,
            invite.email,
            form.password.data,
            Role.EMPLOYER,
            confirmed=True,  # the emailed link proves the address
            via="member_invite",
        )
        accept_notice(user, via="member_invite")
        members.accept(invite, user)
        sign_in(user)
        db.session.commit()
        flash(_("Welcome! You joined %(employer)s.", employer=employer.name), "success")
        return redirect(url_for("employers.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "employers/invite.html", invite=invite, employer=employer, form=form
    ), status


# Online document review: the officials' side ----------------------------------------------


@bp.route("/officials/reviews")
@roles_required(*OFFICIALS)
def reviews():
    rows = db.session.execute(review.queue_query(scope_code()).limit(200)).all()
    checks = db.session.scalars(fast_track.post_check_query(scope_code()).limit(200)).all()
    return render_template(
        "employers/reviews.html",
        rows=rows,
        checks=checks,
        now=utcnow(),
        rule=review.FAST_TRACK_RULE,
    )


def review_page(
    employer: Employer,
    form: DecisionForm,
    status: int,
    post_check_form=None,
    identity_form: DecideForm | None = None,
):
    return render_template(
        "employers/review.html",
        employer=employer,
        form=form,
        history=review.history(employer),
        documents=review.current_documents(employer),
        # Fast track, as the queue sorts it: only a submission waiting for a decision is on
        # it (an approved company "was approved before" too, but is in no queue).
        trusted=employer.verification_state == VerificationState.SUBMITTED
        and review.is_trusted(employer),
        rule=review.FAST_TRACK_RULE,
        identity_rule=identity.APPROVAL_RULE,
        check=identity.latest(employer),
        identity_form=identity_form or DecideForm(),
        post_check_form=post_check_form or PostCheckForm(formdata=None),
    ), status


@bp.route("/officials/reviews/<id:employer_id>", methods=["GET", "POST"], endpoint="review")
@roles_required(*OFFICIALS)
def review_employer(employer_id: int):
    employer = db.get_or_404(Employer, employer_id)
    if not covers_region(current_user, employer.region_code):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        return review_page(employer, form, 422 if form.is_submitted() else 200)
    decision = ReviewDecision(form.decision.data)
    try:
        identity.guard_employer_approval(
            employer, current_user, decision, bool(form.without_identity.data)
        )
        review.decide(employer, current_user, decision, form.reasons.data or "")
    except review.ReviewError as error:
        db.session.rollback()
        if employer.verification_state != VerificationState.SUBMITTED:  # decided meanwhile
            return refused(error, lambda status: review_page(employer, form, status))
        # Said at the field to fix, which takes the focus: a return needs its reasons, an
        # approval without an identity check needs the box ticked.
        returned = decision == ReviewDecision.RETURNED
        (form.reasons if returned else form.without_identity).errors.append(str(error.message))
        return review_page(employer, form, error.status)
    db.session.commit()
    flash(_("Decision recorded; the employer has been told."), "success")
    return redirect(url_for("employers.reviews"))


@bp.route("/officials/employers/<id:employer_id>")
@roles_required(*OFFICIALS)
def for_officials(employer_id: int):
    item = scoped_get(Employer, employer_id, lambda e: e.region_code)
    return render_template("employers/for_officials.html", employer=item)


# The fast track (信用审): post-checks and the rules ----------------------------------------


@bp.route("/officials/reviews/<id:employer_id>/post-check", methods=["POST"])
@roles_required(*OFFICIALS)
def post_check(employer_id: int):
    """The documents check after a fast-track approval: in order, or the approval is revoked."""
    employer = db.get_or_404(Employer, employer_id)
    if not covers_region(current_user, employer.region_code):
        abort(404)
    form = PostCheckForm()
    if not form.validate_on_submit():
        return review_page(employer, DecisionForm(formdata=None), 422, post_check_form=form)
    try:
        if form.outcome.data == "pass":
            fast_track.pass_check(employer, current_user)
        else:
            fast_track.revoke(employer, current_user, form.reasons.data or "")
    except review.ReviewError as error:
        return refused(
            error,
            lambda status: review_page(employer, DecisionForm(formdata=None), status, form),
        )
    db.session.commit()
    flash(_("Check recorded; the employer has been told."), "success")
    return redirect(url_for("employers.reviews"), 303)


def rule_page(form: FastTrackRuleForm, status: int = 200):
    return render_template(
        "employers/fast_track.html",
        form=form,
        own_region=current_user.region_code if current_user.role == Role.OFFICIAL else None,
    ), status


@bp.route("/officials/fast-track", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def fast_track_rule():
    """Officials set the rule of their own region (administrators: of any region)."""
    region = request.values.get("region_code", "") or current_user.region_code or "42"
    if current_user.role == Role.OFFICIAL:
        region = current_user.region_code
    if request.method == "GET":
        rule = fast_track.rule_for(region)
        form = FastTrackRuleForm(obj=rule)
        form.region_code.data = region
        return rule_page(form)
    form = FastTrackRuleForm()
    if current_user.role == Role.OFFICIAL:
        form.region_code.data = region
    if not form.validate_on_submit():
        return rule_page(form, 422)
    fast_track.save_rule(form.region_code.data, form.data, current_user)
    db.session.commit()
    flash(_("The fast-track rule is saved."), "success")
    return redirect(url_for("employers.fast_track_rule", region_code=form.region_code.data), 303)
