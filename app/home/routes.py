"""The home page and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user
from sqlalchemy import func, select

from app import remember_language
from app.cooperation.service import partner_jobs_for
from app.extensions import csrf, db
from app.home.next_steps import next_steps
from app.models import Application, Employer, Job, VerificationState
from app.security import same_site
from app.visitor_pages import visitor_page

bp = Blueprint("home", __name__)


@bp.route("/")
@visitor_page(seconds=5)
def index():
    """What anyone may see now: public jobs (published by verified employers) and counts."""
    counts = {
        "jobs": select(func.count()).select_from(Job).where(Job.is_public),
        "employers": select(func.count())
        .select_from(Employer)
        .where(Employer.verification_state == VerificationState.APPROVED),
        "applications": select(func.count()).select_from(Application),
    }
    # One statement (one round trip to a database server) for the three figures.
    row = db.session.execute(
        select(*(count.scalar_subquery().label(name) for name, count in counts.items()))
    ).one()
    figures = row._asdict()
    latest = db.session.scalars(
        select(Job).where(Job.is_public).order_by(Job.published_at.desc()).limit(6)
    ).all()
    return render_template(
        "home/index.html",
        figures=figures,
        latest=latest,
        partner=partner_jobs_for(db.session, current_user),
        demo_accounts=demo_accounts(),
        steps=next_steps(current_user) if current_user.is_authenticated else [],
    )


def demo_accounts() -> list[tuple]:
    """The demo log-ins, shown to visitors of a local development instance that has them."""
    from app.demo import DEMO_ACCOUNTS, PASSWORD, is_loaded
    from app.dev.routes import local_instance

    if not local_instance() or current_user.is_authenticated or not is_loaded():
        return []
    return [(email, who, PASSWORD) for email, _role, who in DEMO_ACCOUNTS]


@bp.route("/language", methods=["POST"])
@csrf.exempt
def set_language():
    """A visitor's choice lives in their own session and in a year-long cookie (which signing
    out keeps), and forging it would only change the language a visitor reads in, so
    visitors' pages send no token (and so get no session cookie just for reading). An
    account's stored choice is changed with a token only."""
    if current_user.is_authenticated:
        csrf.protect()
    lang = request.form.get("lang", "")
    if lang not in ("zh", "en"):
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    return remember_language(redirect(same_site(request.form.get("next"), "/")), lang)
