"""The official's home: figures and work queues, always limited to their region subtree."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..access import covers_region, get_or_404, roles_required
from ..extensions import db
from ..models import (
    Application,
    Employer,
    Job,
    JobStatus,
    Region,
    Role,
    VerificationState,
    in_subtree,
)
from . import bp


def scope_code() -> str:
    """The official's region; admins see the whole country (the empty prefix)."""
    return current_user.region_code or ""


def employers_in_scope():
    code = scope_code()
    return select(Employer).where(in_subtree(Employer.region_code, code)) if code else select(Employer)


@bp.route("/")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def dashboard():
    code = scope_code()
    region = db.session.get(Region, code) if code else None
    employer_ids = employers_in_scope().with_only_columns(Employer.id).subquery()
    figures = {
        "employers": db.session.scalar(select(func.count()).select_from(employer_ids)),
        "verified": db.session.scalar(
            select(func.count()).select_from(
                employers_in_scope()
                .where(Employer.verification_state == VerificationState.APPROVED)
                .subquery()
            )
        ),
        "jobs": db.session.scalar(
            select(func.count()).where(
                Job.employer_id.in_(select(employer_ids.c.id)), Job.status == JobStatus.PUBLISHED
            )
        ),
        "applications": db.session.scalar(
            select(func.count())
            .select_from(Application)
            .join(Job)
            .where(Job.employer_id.in_(select(employer_ids.c.id)))
        ),
    }
    pending = db.session.scalars(
        employers_in_scope()
        .where(Employer.verification_state == VerificationState.SUBMITTED)
        .order_by(Employer.submitted_at)
        .limit(50)
    ).all()
    return render_template("officials/dashboard.html", region=region, figures=figures, pending=pending)


@bp.route("/employers/<int:employer_id>")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def employer(employer_id: int):
    item = get_or_404(Employer, employer_id)
    if not covers_region(current_user, item.region_code):
        abort(404)
    return render_template("officials/employer.html", employer=item)
