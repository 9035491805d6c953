"""Browsing jobs and the public job page (readable without an account, shareable)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..access import get_or_404, works_for
from ..extensions import db
from ..models import Job, JobStatus
from . import bp

PAGE_SIZE = 20


def visible_to_current_user(job: Job) -> bool:
    if job.status == JobStatus.PUBLISHED and job.employer.verified:
        return True
    return current_user.is_authenticated and works_for(current_user, job.employer_id)


@bp.route("/")
def index():
    q = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int) or 1
    if page < 1 or page > 1000:
        abort(400)
    query = select(Job).where(Job.status == JobStatus.PUBLISHED)
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(Job.title.ilike(pattern), Job.description.ilike(pattern)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    jobs = db.session.scalars(
        query.order_by(Job.published_at.desc(), Job.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("jobs/index.html", jobs=jobs, q=q, page=page, total=total, page_size=PAGE_SIZE)


@bp.route("/<int:job_id>")
def detail(job_id: int):
    job = get_or_404(Job, job_id)
    if not visible_to_current_user(job):
        abort(404)
    return render_template("jobs/detail.html", job=job)
