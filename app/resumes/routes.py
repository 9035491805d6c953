"""The candidate's résumé builder and uploads; employers viewing, searching and inviting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import uploads
from app.access import current_employer, roles_required
from app.alerts.service import note_view
from app.applications import service as applications
from app.errors import refused
from app.extensions import db
from app.labels import EDUCATION_LEVELS, VISIBILITIES, options
from app.models import Invitation, Job, ParseStatus, Resume, ResumeFile, Role, User
from app.queue import waiting
from app.resumes import search, service
from app.resumes.forms import DraftForm, InviteForm, ResumeForm, SearchForm, UploadForm

bp = Blueprint("resumes", __name__)


SEARCH_LIMIT = 50
"""A file still pending after this long was lost by the queue; say so instead of waiting."""


def _fill_blank_rows(form: ResumeForm) -> None:
    for section in (form.education, form.experience):
        needs_blank = not section.entries or not section.entries[-1].form.is_blank()
        if needs_blank and len(section.entries) < section.max_entries:
            section.append_entry()


@bp.route("/resumes/mine", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
def edit():
    resume = service.default_resume(current_user)
    form = ResumeForm(obj=resume)
    add = request.form.get("add")
    if request.method == "POST" and add in ("education", "experience"):
        # "Add another" without JavaScript: show the same form with one more blank row.
        section = getattr(form, add)
        if len(section.entries) < section.max_entries:
            section.append_entry()
        return render_template("resumes/edit.html", form=form, resume=resume, files=_files())
    if form.validate_on_submit():
        resume = service.save(current_user, resume, service.form_data(form))
        db.session.commit()
        flash(_("Your résumé is saved."), "success")
        tell_hidden_while_deleting()
        return redirect(url_for("resumes.edit"))
    status = 422 if form.is_submitted() else 200
    _fill_blank_rows(form)
    return render_template("resumes/edit.html", form=form, resume=resume, files=_files()), status


def tell_hidden_while_deleting() -> None:
    """The résumé was saved, but employers cannot find it while deletion is pending
    (app.privacy.service.keep_hidden_while_deleting): say so, and how to undo it."""
    if current_user.delete_after is not None:
        flash(
            _(
                "Your account is to be deleted: until you keep it (Settings, Privacy), "
                "employers cannot find your résumé."
            ),
            "info",
        )


def _files() -> list[ResumeFile]:
    return db.session.scalars(
        select(ResumeFile)
        .where(ResumeFile.user_id == current_user.id)
        .order_by(ResumeFile.id.desc())
        .limit(5)
    ).all()


def upload_page(form: UploadForm, status: int):
    return render_template("resumes/upload.html", form=form), status


@bp.route("/resumes/upload", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
@uploads.rate_limited
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return upload_page(form, 422 if form.is_submitted() else 200)
    try:
        item = service.store_upload(current_user, form.file.data)
    except uploads.UploadError as error:
        return refused(error, lambda status: upload_page(form, status))
    db.session.commit()
    return redirect(url_for("resumes.file_status", file_id=item.id), 303)


def _own_file(file_id: int) -> ResumeFile:
    item = db.get_or_404(ResumeFile, file_id)
    if item.user_id != current_user.id:
        abort(404)
    return item


def draft_form() -> DraftForm:
    """The choice of parsed fields to copy into the résumé."""
    form = DraftForm()
    form.fields.choices = options((name, name) for name in service.DRAFT_FIELDS)
    return form


@bp.route("/resumes/files/<id:file_id>")
@roles_required(Role.SEEKER)
def file_status(file_id: int):
    item = _own_file(file_id)
    pending = item.parse_status == ParseStatus.PENDING
    return render_template(
        "resumes/file.html",
        item=item,
        form=draft_form(),
        waiting=waiting(service.parse_job_id(item)) if pending else None,
        error_text=service.PARSE_ERRORS.get(item.parse_error or "", service.PARSE_ERRORS["broken"]),
        education_levels={level.value: label for level, label in EDUCATION_LEVELS.items()},
        resume=service.default_resume(current_user),
        visibilities=VISIBILITIES,
    )


@bp.route("/resumes/files/<id:file_id>/confirm", methods=["POST"])
@roles_required(Role.SEEKER)
def confirm_draft(file_id: int):
    item = _own_file(file_id)
    if item.parse_status != ParseStatus.PARSED:
        abort(409)
    form = draft_form()
    if not form.validate_on_submit():
        abort(422)
    used_before = item.confirmed_at is not None
    service.confirm_draft(current_user._get_current_object(), item, form.fields.data)
    db.session.commit()
    if used_before:
        flash(_("What your résumé did not have yet was added. Please check it."), "success")
    else:
        flash(_("The chosen fields were added to your résumé. Please check them."), "success")
    tell_hidden_while_deleting()
    return redirect(url_for("resumes.edit"), 303)


@bp.route("/resumes/<id:resume_id>")
@roles_required(Role.SEEKER, Role.EMPLOYER, Role.ADMIN)
def view(resume_id: int):
    resume = db.get_or_404(Resume, resume_id)
    if not service.can_view(current_user, resume):
        abort(404)
    invite_form = None
    if current_user.employer is not None and current_user.employer.verified:
        invite_form = _invite_form()
    if current_user.employer is not None and resume.user_id != current_user.id:
        # "Who viewed my résumé" (app.alerts): kept in Redis, this GET writes no row.
        note_view(resume.user_id, current_user.employer.id)
    return render_template(
        "resumes/view.html",
        resume=resume,
        owner=resume.user_id == current_user.id,
        contact_visible=service.contact_visible(current_user, resume),
        invite_form=invite_form,
        invitations=_invitations_to(resume.user_id),
    )


def _invitations_to(candidate_id: int) -> list[tuple[Invitation, str]]:
    """(invitation, job title) the current member's company sent CANDIDATE_ID: each has a
    "Chat" button (app.chat)."""
    if current_user.employer is None:
        return []
    return db.session.execute(
        select(Invitation, Job.title)
        .join(Job, Job.id == Invitation.job_id)
        .where(Job.employer_id == current_user.employer.id, Invitation.candidate_id == candidate_id)
        .order_by(Invitation.created_at.desc())
    ).all()


@bp.route("/resumes/search", endpoint="search")
@roles_required(Role.EMPLOYER)
def search_page():
    employer = current_employer()
    args = request.args.copy()
    args["q"], problems = search.cut(args.get("q", ""))  # searched cut, as jobs are
    form = SearchForm(args)
    results = None
    if form.validate():
        results = search.find(employer, form.q.data or "", form.skills.data or [], SEARCH_LIMIT)
    return render_template(
        "resumes/search.html", form=form, results=results, employer=employer, problems=problems
    )


def _invite_form() -> InviteForm:
    employer = current_employer()
    form = InviteForm()
    jobs = db.session.scalars(
        select(Job).where(Job.employer_id == employer.id, Job.is_public).order_by(Job.title)
    ).all()
    form.job_id.choices = options((job.id, job.title) for job in jobs)
    return form


@bp.route("/resumes/<id:resume_id>/invite", methods=["POST"])
@roles_required(Role.EMPLOYER)
def invite(resume_id: int):
    resume = db.get_or_404(Resume, resume_id)
    if not service.can_view(current_user, resume):
        abort(404)
    form = _invite_form()
    if not form.validate_on_submit():
        flash(_("Choose one of your published jobs."), "error")
        return redirect(url_for("resumes.view", resume_id=resume.id), 303)
    job = db.get_or_404(Job, form.job_id.data)
    try:
        _invitation, created = applications.invite(
            job, db.session.get(User, resume.user_id), current_user, form.message.data
        )
    except applications.ApplicationError as error:
        return refused(
            error, lambda _status: redirect(url_for("resumes.view", resume_id=resume.id), 303)
        )
    db.session.commit()
    flash(
        _("Invitation sent.") if created else _("You already invited this candidate to this job."),
        "success",
    )
    return redirect(url_for("resumes.view", resume_id=resume.id), 303)
