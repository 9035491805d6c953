"""The home page, the language switch, and each user's notifications and applications."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.access import get_or_404, roles_required
from app.applications import service as applications_service
from app.extensions import db
from app.main import bp
from app.models import (
    Application,
    Employer,
    Job,
    JobStatus,
    Notification,
    Role,
    StageChange,
    VerificationState,
    utcnow,
)
from app.notify import render as render_notification


@bp.app_context_processor
def inject_unread():
    # Mail rendered by a worker has no request, hence no user.
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_count": 0}
    if "unread_count" not in g:
        g.unread_count = db.session.scalar(
            select(func.count()).where(
                Notification.user_id == current_user.id, Notification.read_at.is_(None)
            )
        )
    return {"unread_count": g.unread_count}


@bp.route("/")
def index():
    figures = {
        "jobs": db.session.scalar(
            select(func.count()).select_from(Job).where(Job.status == JobStatus.PUBLISHED)
        ),
        "employers": db.session.scalar(
            select(func.count())
            .select_from(Employer)
            .where(Employer.verification_state == VerificationState.APPROVED)
        ),
        "applications": db.session.scalar(select(func.count()).select_from(Application)),
    }
    latest = db.session.scalars(
        select(Job)
        .where(Job.status == JobStatus.PUBLISHED)
        .order_by(Job.published_at.desc())
        .limit(6)
    ).all()
    return render_template(
        "main/index.html", figures=figures, latest=latest, demo_accounts=demo_accounts()
    )


def demo_accounts() -> list[tuple]:
    """The demo log-ins, shown to visitors of a local development instance that has them."""
    from app.demo import DEMO_ACCOUNTS, PASSWORD, is_loaded

    if not current_app.debug or current_user.is_authenticated or not is_loaded():
        return []
    return [(email, who, PASSWORD) for email, _role, who in DEMO_ACCOUNTS]


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang not in ("zh", "en"):
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    target = request.form.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)


@bp.route("/notifications")
@login_required
def notifications():
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("main/notifications.html", items=items, render=render_notification)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("main.notifications"))


@bp.route("/applications")
@roles_required(Role.SEEKER)
def applications():
    items = db.session.scalars(
        select(Application)
        .where(Application.candidate_id == current_user.id)
        .order_by(Application.created_at.desc())
    ).all()
    return render_template("main/applications.html", items=items)


@bp.route("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    """An application's status and history, for its candidate (employers use the pipeline)."""
    item = get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    return render_application(item)


def render_application(item: Application, status: int = 200):
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.application_id == item.id)
        .order_by(StageChange.created_at, StageChange.id)
    ).all()
    return render_template(
        "main/application.html",
        item=item,
        history=history,
        can_withdraw=item.stage in applications_service.WITHDRAWABLE,
    ), status


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(Role.SEEKER)
def withdraw(application_id: int):
    """The candidate takes an application back; it stays in the history as withdrawn."""
    item = get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    try:
        applications_service.withdraw(item, current_user)
    except applications_service.ApplicationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_application(item, error.status)
    db.session.commit()
    flash(_("Your application was withdrawn."), "success")
    return redirect(url_for("main.application", application_id=item.id), 303)
