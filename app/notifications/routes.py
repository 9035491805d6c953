"""TODO"""

from __future__ import annotations

from flask import (
    Blueprint,
    g,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Notification,
    utcnow,
)
from app.notifications.service import render as render_notification

bp = Blueprint("notifications", __name__)


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


@bp.route("/notifications")
@login_required
def index():
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("notifications/index.html", items=items, render=render_notification)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("notifications.index"))
