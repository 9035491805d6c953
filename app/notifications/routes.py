"""The notifications page, marking them read (all at once, or each as it is opened), the
unread badge in every page's header, and the administrators' list of mail that could not be
delivered."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import roles_required
from app.database import writes
from app.extensions import db, limiter
from app.models import Notification, Role
from app.notifications import failures, service
from app.notifications.mail import public_url
from app.queue import get_queue
from app.security import same_site

bp = Blueprint("notifications", __name__)


UNREAD_KEY = "yunpin.unread_count"


@bp.app_context_processor
def inject_unread():
    """The header of base.html, on every page, shows the unread count. A context processor
    is the one place that reaches every page without each view passing it; it costs one
    indexed COUNT (ix_notifications_user_unread) per request, kept with the request so that
    mails rendered while handling it do not count again."""
    # Mail rendered by a worker has no request, hence no user.
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_count": 0}
    if UNREAD_KEY not in request.environ:
        request.environ[UNREAD_KEY] = service.unread_count(current_user)
    return {"unread_count": request.environ[UNREAD_KEY]}


@bp.route("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html", items=service.latest(current_user), render=service.render
    )


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    service.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/<id:notification_id>/open")
@login_required
@writes
def follow(notification_id: int):
    """Open a notification: it is read now, and the reader goes where it points. A GET, so
    the list's items stay links (new tab, long press); it changes only the reader's own
    notification and only once, so another site making someone's browser open it can at
    most mark that one read."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    service.mark_all_read(current_user, [note.id])
    db.session.commit()
    return redirect(_on_this_site(note.link), 303)


def _on_this_site(link: str) -> str:
    """LINK as a path on this site; links a worker stored are absolute on PUBLIC_URL."""
    parts = urlsplit(link)
    if parts.netloc and parts.netloc in (request.host, urlsplit(public_url("/")).netloc):
        link = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return same_site(link, url_for("notifications.index"))


@bp.route("/admin/mail/failed")
@roles_required(Role.ADMIN)
def failed_mail():
    return render_template(
        "notifications/failed_mail.html", items=failures.failed_mail(get_queue())
    )


@bp.route("/admin/mail/failed/<job_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN)
@limiter.limit("60 per minute")
def retry_mail(job_id: str):
    if not failures.retry(get_queue(), job_id):
        abort(404)
    flash(_("The mail is queued to be sent again."), "success")
    return redirect(url_for("notifications.failed_mail"), 303)
