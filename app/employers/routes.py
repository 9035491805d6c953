"""The employer's company profile, document review, and colleagues."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, uploads
from app.access import (
    OFFICIALS,
    covers_region,
    current_employer,
    roles_required,
    scope_code,
    works_for,
)
from app.dashboards.scope import scoped_get
from app.employers import members, review
from app.employers.forms import DecisionForm, DocumentsForm, EmployerForm, InviteForm, JoinForm
from app.extensions import db, limiter
from app.identity import service as identity
from app.models import (
    DocumentKind,
    Employer,
    EmployerDocument,
    EmployerMember,
    Job,
    JobStatus,
    MemberRole,
    ReviewDecision,
    Role,
    User,
    utcnow,
)
from app.security import hash_password

bp = Blueprint("employers", __name__)


def can_see_private(employer: Employer) -> bool:
    """Members and the officials of the employer's region see what the public does not."""
    if not current_user.is_authenticated:
        return False
    return works_for(current_user, employer.id) or covers_region(current_user, employer.region_code)


def store_logo(form: EmployerForm) -> uploads.StoredFile | None:
    """The uploaded logo, or None when none was sent. Errors go onto the form field."""
    if not (form.logo.data and form.logo.data.filename):
        return None
    return uploads.store(form.logo.data, uploads.IMAGE_TYPES)


def save_profile(form: EmployerForm, employer: Employer, creating: bool):
    """Validate, store the logo and save, in one transaction; the page or its errors."""
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        if not creating and form.credit_code.data != employer.credit_code and employer.verified:
            form.credit_code.errors.append(_("A verified company's code cannot be changed."))
            return render_template("employers/form.html", form=form, creating=creating), 422
        try:
            logo = store_logo(form)
        except uploads.UploadError as error:
            form.logo.errors.append(str(error.message))
            return render_template(
                "employers/form.html", form=form, creating=creating
            ), error.status
        previous_logo = employer.logo_path
        for name, field in form._fields.items():
            if name not in ("logo", "csrf_token"):
                field.populate_obj(employer, name)
        if logo:
            employer.logo_path = logo.stored_name
        if creating:
            db.session.add(employer)
            db.session.add(
                EmployerMember(employer=employer, user_id=current_user.id, role=MemberRole.OWNER)
            )
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            uploads.discard(logo.stored_name if logo else None)
            form.credit_code.errors.append(_("A company with this code is already registered."))
            return render_template("employers/form.html", form=form, creating=creating), 409
        audit.record("employer.create" if creating else "employer.update", employer)
        db.session.commit()
        if logo and previous_logo:
            uploads.discard(previous_logo)
        flash(_("Your company profile is created.") if creating else _("Saved."), "success")
        return redirect(url_for("employers.dashboard"))
    return render_template("employers/form.html", form=form, creating=creating), status


@bp.route("/employers/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
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
def edit():
    employer = current_employer(owner_only=True)
    return save_profile(EmployerForm(obj=employer), employer, creating=False)


@bp.route("/employers/<int:employer_id>")
def profile(employer_id: int):
    """The public company page: verified employers only (others are not yet public)."""
    employer = db.get_or_404(Employer, employer_id)
    if not employer.verified and not can_see_private(employer):
        abort(404)
    jobs = db.session.scalars(
        select(Job)
        .where(Job.employer_id == employer.id, Job.status == JobStatus.PUBLISHED)
        .order_by(Job.published_at.desc())
    ).all()
    return render_template("employers/profile.html", employer=employer, jobs=jobs)


@bp.route("/employers/<int:employer_id>/logo")
def logo(employer_id: int):
    employer = db.get_or_404(Employer, employer_id)
    if not employer.logo_path or not (employer.verified or can_see_private(employer)):
        abort(404)
    content_type = uploads.PNG if employer.logo_path.endswith(".png") else uploads.JPEG
    return uploads.send_upload(employer.logo_path, content_type, f"logo{employer.logo_path[-4:]}")


# Online document review ---------------------------------------------------------------


@bp.route("/employers/mine/verification", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def verification():
    """Upload the licence and the legal representative's ID, then submit them for review."""
    employer = current_employer(owner_only=True)
    form = DocumentsForm(obj=employer)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        status = upload_documents(employer, form)
        if status == 200:
            if request.form.get("action") == "submit":
                try:
                    review.submit(employer, current_user)
                except review.ReviewError as error:
                    db.session.rollback()
                    flash(str(error), "error")
                    return redirect(url_for("employers.verification")), 303
                db.session.commit()
                flash(
                    _("Submitted. Officials of your region will review your documents."), "success"
                )
            else:
                db.session.commit()
                flash(_("Saved."), "success")
            return redirect(url_for("employers.verification"))
    elif form.is_submitted():
        status = 422
    reviews = review.history(employer)
    return render_template(
        "employers/verification.html",
        employer=employer,
        form=form,
        reviews=reviews,
        documents=review.current_documents(employer),
        missing=review.missing(employer),
        editable=employer.verification_state in review.EDITABLE,
    ), status


def upload_documents(employer: Employer, form: DocumentsForm) -> int:
    """Keep the name and any uploaded files; 200, or the error status with errors on FORM."""
    stored: list[uploads.StoredFile] = []
    try:
        if employer.verification_state not in review.EDITABLE:
            raise review.ReviewError(
                _("Documents cannot be changed while they are under review or after approval.")
            )
        employer.legal_rep_name = (form.legal_rep_name.data or "").strip() or None
        for kind, field in (
            (DocumentKind.BUSINESS_LICENCE, form.business_licence),
            (DocumentKind.LEGAL_REP_ID, form.legal_rep_id),
        ):
            if field.data and field.data.filename:
                try:
                    item = uploads.store(field.data, uploads.DOCUMENT_TYPES)
                except uploads.UploadError as error:
                    field.errors = [*field.errors, str(error.message)]
                    raise
                stored.append(item)
                review.add_document(employer, kind, item, current_user)
        audit.record("employer.documents_save", employer, legal_rep_name=employer.legal_rep_name)
        return 200
    except uploads.UploadError as error:
        db.session.rollback()
        for item in stored:
            uploads.discard(item.stored_name)
        return error.status
    except review.ReviewError as error:
        db.session.rollback()
        for item in stored:
            uploads.discard(item.stored_name)
        flash(str(error), "error")
        return 409


@bp.route("/employers/<int:employer_id>/documents/<int:document_id>")
@login_required
def document(employer_id: int, document_id: int):
    """A submitted document, for the employer's members and its region's officials only."""
    item = db.get_or_404(EmployerDocument, document_id)
    if item.employer_id != employer_id or not can_see_private(item.employer):
        abort(404)
    return uploads.send_upload(item.stored_name, item.content_type, item.filename)


# Colleagues ---------------------------------------------------------------------------


@bp.route("/employers/mine/members", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def team():
    employer = current_employer(owner_only=True)
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            members.invite(employer, form.email.data, current_user)
        except members.MembershipError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
            status = 409
        else:
            db.session.commit()
            flash(
                _("Invitation sent to %(email)s.", email=form.email.data.strip().lower()), "success"
            )
            return redirect(url_for("employers.team"))
    elif form.is_submitted():
        status = 422
    people = db.session.scalars(
        select(EmployerMember)
        .where(EmployerMember.employer_id == employer.id)
        .order_by(EmployerMember.created_at)
    ).all()
    return render_template(
        "employers/members.html",
        employer=employer,
        form=form,
        people=people,
        invites=members.open_invites(employer),
    ), status


@bp.route("/employers/mine/members/<int:member_id>/remove", methods=["POST"])
@roles_required(Role.EMPLOYER)
def remove_member(member_id: int):
    employer = current_employer(owner_only=True)
    member = db.get_or_404(EmployerMember, member_id)
    if member.employer_id != employer.id:
        abort(404)
    try:
        members.remove(employer, member, current_user)
    except members.MembershipError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("employers.team")), 303
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("employers.team"))


@bp.route("/employers/invites/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invite(token: str):
    """Join from an emailed link: logged in with the invited address, or as a new account."""
    try:
        invite = members.read_invite(token)
    except members.MembershipError as error:
        return render_template("errors/error.html", status=400, title=str(error), detail=""), 400
    employer = db.session.get(Employer, invite.employer_id)
    if current_user.is_authenticated:
        if request.method == "POST":
            try:
                members.accept(invite, current_user)
            except members.MembershipError as error:
                db.session.rollback()
                return render_template(
                    "errors/error.html", status=403, title=str(error), detail=""
                ), 403
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
        user = User(
            name=form.name.data.strip(),
            email=invite.email,
            role=Role.EMPLOYER,
            password_hash=hash_password(form.password.data),
            locale=str(request.accept_languages.best_match(["zh", "en"], default="zh")),
            email_confirmed_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
        audit.record("user.register", user, actor=user, via="member_invite")
        members.accept(invite, user)
        db.session.commit()
        login_user(user)
        flash(_("Welcome! You joined %(employer)s.", employer=employer.name), "success")
        return redirect(url_for("employers.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "employers/invite.html", invite=invite, employer=employer, form=form
    ), status


def employer_in_scope(employer_id: int) -> Employer:
    employer = db.get_or_404(Employer, employer_id)
    if not covers_region(current_user, employer.region_code):
        abort(404)
    return employer


@bp.route("/officials/reviews")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def reviews():
    rows = db.session.execute(review.queue_query(scope_code()).limit(200)).all()
    return render_template("employers/reviews.html", rows=rows, rule=review.FAST_TRACK_RULE)


@bp.route("/officials/reviews/<int:employer_id>", methods=["GET", "POST"], endpoint="review")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def review_employer(employer_id: int):
    employer = employer_in_scope(employer_id)
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            identity.guard_employer_approval(
                employer,
                current_user,
                ReviewDecision(form.decision.data),
                bool(form.without_identity.data),
            )
            review.decide(
                employer, current_user, ReviewDecision(form.decision.data), form.reasons.data or ""
            )
        except review.ReviewError as error:
            db.session.rollback()
            form.reasons.errors.append(str(error))
            status = 422 if form.decision.data == ReviewDecision.RETURNED.value else 409
        else:
            db.session.commit()
            flash(_("Decision recorded; the employer has been told."), "success")
            return redirect(url_for("employers.reviews"))
    elif form.is_submitted():
        status = 422
    history = review.history(employer)
    return render_template(
        "employers/review.html",
        employer=employer,
        form=form,
        history=history,
        documents=review.current_documents(employer),
        trusted=review.is_trusted(employer),
        rule=review.FAST_TRACK_RULE,
        identity_rule=identity.APPROVAL_RULE,
    ), status


@bp.route("/officials/employers/<int:employer_id>")
@roles_required(*OFFICIALS)
def for_officials(employer_id: int):
    item = scoped_get(Employer, employer_id, lambda e: e.region_code)
    return render_template("employers/for_officials.html", employer=item)
