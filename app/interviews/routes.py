"""Interview pages: propose times, pick one, the invitation, the lobby and the room.

Everyone reaches an interview only as its candidate or as a member of the employer;
anybody else gets 404 (ids cannot be probed). Interviewer-only actions answer 403 to the
candidate, and the scorecard never reaches the candidate's pages at all.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from flask_login import current_user, login_required
from sqlalchemy import select

from app.access import roles_required
from app.extensions import db
from app.interviews import lobby
from app.interviews import service as scheduling
from app.interviews.service import (
    DURATIONS,
    MAX_SLOTS,
    SchedulingError,
    is_candidate,
    is_interviewer,
    room_expiry,
)
from app.models import Application, Interview, InterviewStatus, Role, Scorecard, User, utcnow
from app.redis_store import get_redis
from video import tokens as video_tokens

bp = Blueprint("interviews", __name__)


STATUS_LABELS = {
    InterviewStatus.PROPOSED: _l("Waiting for the candidate to pick a time"),
    InterviewStatus.SCHEDULED: _l("Scheduled"),
    InterviewStatus.CANCELLED: _l("Cancelled"),
    InterviewStatus.COMPLETED: _l("Completed"),
}
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)
TOKEN_MAX_SECONDS = 4 * 3600
RECOMMENDATIONS = {
    "strong_yes": _l("Strong yes"),
    "yes": pgettext("scorecard", "Yes"),
    "no": pgettext("scorecard", "No"),
    "strong_no": _l("Strong no"),
}


@bp.app_template_filter("interview_time")
def interview_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's zone, with the zone named."""
    if value is None:
        return ""
    return f"{format_datetime(value, 'EEE y-MM-dd HH:mm')} ({get_timezone().zone})"


def visible_interview(interview_id: int) -> Interview:
    interview = db.get_or_404(Interview, interview_id)
    if not (is_candidate(current_user, interview) or is_interviewer(current_user, interview)):
        abort(404)
    return interview


def interviewer_only(interview_id: int) -> Interview:
    interview = visible_interview(interview_id)
    if not is_interviewer(current_user, interview):
        abort(403)
    return interview


def _slot_times() -> list[datetime]:
    starts = []
    for raw in request.form.getlist("slot"):
        raw = raw.strip()
        if not raw:
            continue
        try:
            starts.append(datetime.fromisoformat(raw))
        except ValueError:
            raise SchedulingError(
                _l("Enter each time as date and time, e.g. 2026-12-01T14:30.")
            ) from None
    return starts


def _duration() -> int:
    try:
        return int(request.form.get("duration", ""))
    except ValueError:
        raise SchedulingError(_l("Choose a duration from the list.")) from None


def _render_schedule(
    application: Application, interview: Interview | None = None, status: int = 200
):
    zones = list(COMMON_ZONES)
    if current_user.timezone not in zones:
        zones.insert(0, current_user.timezone)
    return render_template(
        "interviews/schedule.html",
        application=application,
        interview=interview,
        zones=zones,
        durations=DURATIONS,
        max_slots=MAX_SLOTS,
        form=request.form,
        default_zone=request.form.get("timezone") or current_user.timezone,
    ), status


@bp.route("/video/applications/<int:application_id>/schedule", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def schedule(application_id: int):
    """The employer proposes 1-5 times; the candidate is notified and picks one."""
    from app.applications.routes import member_application

    application = member_application(application_id)
    if request.method == "GET":
        return _render_schedule(application)
    try:
        interview = scheduling.propose(
            application, current_user, _slot_times(), request.form.get("timezone", ""), _duration()
        )
    except SchedulingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_schedule(application, status=error.status)
    db.session.commit()
    flash(_("Times proposed. The candidate has been notified."), "success")
    return redirect(url_for("interviews.interview", interview_id=interview.id), 303)


@bp.route("/video/interviews/<int:interview_id>/reschedule", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def reschedule(interview_id: int):
    interview = interviewer_only(interview_id)
    if request.method == "GET":
        return _render_schedule(interview.application, interview)
    try:
        scheduling.reschedule(
            interview, current_user, _slot_times(), request.form.get("timezone", ""), _duration()
        )
    except SchedulingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_schedule(interview.application, interview, error.status)
    db.session.commit()
    flash(_("New times proposed. The candidate has been notified."), "success")
    return redirect(url_for("interviews.interview", interview_id=interview.id), 303)


@bp.route("/video/interviews/<int:interview_id>")
@login_required
def interview(interview_id: int):
    return _render_interview(visible_interview(interview_id))


def _render_interview(interview: Interview, status: int = 200):
    interviewer = is_interviewer(current_user, interview)
    scorecards = []
    if interviewer:
        scorecards = db.session.scalars(
            select(Scorecard)
            .where(Scorecard.application_id == interview.application_id)
            .order_by(Scorecard.created_at)
        ).all()
    return render_template(
        "interviews/interview.html",
        interview=interview,
        interviewer=interviewer,
        status_labels=STATUS_LABELS,
        scorecards=scorecards,
        authors=_authors(scorecards),
        recommendations=RECOMMENDATIONS,
        now=utcnow(),
    ), status


def _authors(scorecards) -> dict[int, User]:
    ids = {s.author_id for s in scorecards if s.author_id}
    return (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )


def _act(interview: Interview, action, success: str):
    try:
        action()
    except SchedulingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_interview(interview, error.status)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("interviews.interview", interview_id=interview.id), 303)


@bp.route("/video/interviews/<int:interview_id>/pick", methods=["POST"])
@login_required
def pick(interview_id: int):
    interview = visible_interview(interview_id)
    if not is_candidate(current_user, interview):
        abort(403)
    try:
        slot_id = int(request.form.get("slot_id", ""))
    except ValueError:
        slot_id = 0
    return _act(
        interview,
        lambda: scheduling.pick(interview, current_user, slot_id),
        _("Interview scheduled. Add it to your calendar below."),
    )


@bp.route("/video/interviews/<int:interview_id>/cancel", methods=["POST"])
@login_required
def cancel(interview_id: int):
    interview = visible_interview(interview_id)
    return _act(
        interview,
        lambda: scheduling.cancel(interview, current_user, request.form.get("reason", "")),
        _("Interview cancelled. The other side has been notified."),
    )


@bp.route("/video/interviews/<int:interview_id>/invite.ics")
@login_required
def invite_ics(interview_id: int):
    interview = visible_interview(interview_id)
    if interview.starts_at is None:
        abort(404)
    return Response(
        scheduling.ics(interview),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"'},
    )


# The room --------------------------------------------------------------------------------


def _open_interview(interview_id: int) -> Interview:
    interview = visible_interview(interview_id)
    if interview.status != InterviewStatus.SCHEDULED or not interview.room_id:
        abort(404)
    return interview


def _token_for(interview: Interview, role: str) -> str:
    ttl = min(TOKEN_MAX_SECONDS, int((room_expiry(interview) - utcnow()).total_seconds()))
    if ttl <= 0:
        abort(404)
    return video_tokens.issue_token(
        current_app.config["SECRET_KEY"], interview.room_id, str(current_user.id), ttl, role=role
    )


def _lobby_ttl(interview: Interview) -> int:
    return max(60, int((room_expiry(interview) - utcnow()).total_seconds()))


@bp.route("/video/interviews/<int:interview_id>/room")
@login_required
def room(interview_id: int):
    """Lobby (camera check, preview) and room. Interviewers get their token with the page;
    a candidate's token comes from the lobby endpoint only once an interviewer admits them."""
    interview = _open_interview(interview_id)
    interviewer = is_interviewer(current_user, interview)
    scorecard = None
    waiting = []
    if interviewer:
        scorecard = db.session.scalar(
            select(Scorecard).where(
                Scorecard.interview_id == interview.id, Scorecard.author_id == current_user.id
            )
        )
        waiting = _waiting_users(interview)
    return render_template(
        "interviews/room.html",
        interview=interview,
        interviewer=interviewer,
        scorecard=scorecard,
        waiting=waiting,
        token=_token_for(interview, "interviewer") if interviewer else "",
        ice_servers=json.dumps(current_app.config.get("VIDEO_ICE_SERVERS") or []),
        ends_at=(interview.starts_at.isoformat() + "Z") if interview.starts_at else "",
        duration=interview.duration_minutes,
        recommendations=RECOMMENDATIONS,
        names=json.dumps(
            {
                str(u.id): u.name
                for u in [interview.application.candidate, *scheduling.interviewers(interview)]
            }
        ),
    )


def _waiting_users(interview: Interview) -> list[User]:
    ids = lobby.waiting(get_redis(current_app), interview.room_id)
    candidate = interview.application.candidate
    return [candidate] if candidate.id in ids else []


@bp.route("/video/interviews/<int:interview_id>/lobby")
@login_required
def lobby_state(interview_id: int):
    """Polled by the lobby page. Candidate: am I admitted (then the token)? Interviewer: who waits."""
    interview = _open_interview(interview_id)
    redis = get_redis(current_app)
    if is_interviewer(current_user, interview):
        return jsonify(waiting=[{"id": u.id, "name": u.name} for u in _waiting_users(interview)])
    if lobby.is_admitted(redis, interview.room_id, current_user.id):
        return jsonify(admitted=True, token=_token_for(interview, "candidate"))
    lobby.mark_waiting(redis, interview.room_id, current_user.id, _lobby_ttl(interview))
    return jsonify(admitted=False)


@bp.route("/video/interviews/<int:interview_id>/admit", methods=["POST"])
@login_required
def admit(interview_id: int):
    interview = _open_interview(interview_id)
    if not is_interviewer(current_user, interview):
        abort(403)
    lobby.admit(
        get_redis(current_app),
        interview.room_id,
        interview.application.candidate_id,
        _lobby_ttl(interview),
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify(admitted=True)
    flash(_("The candidate is admitted."), "success")
    return redirect(url_for("interviews.room", interview_id=interview.id), 303)


@bp.route("/video/interviews/<int:interview_id>/end", methods=["POST"])
@login_required
def end(interview_id: int):
    interview = interviewer_only(interview_id)
    return _act(
        interview, lambda: scheduling.complete(interview, current_user), _("Interview ended.")
    )


@bp.route("/video/interviews/<int:interview_id>/scorecard", methods=["POST"])
@login_required
def scorecard(interview_id: int):
    """Each interviewer's own scorecard, saved to the application; candidates never see it."""
    interview = interviewer_only(interview_id)
    rating_raw = request.form.get("rating", "").strip()
    recommendation = request.form.get("recommendation", "")
    notes = request.form.get("notes", "").strip()
    rating = int(rating_raw) if rating_raw.isdigit() else None
    if (
        (rating_raw and (rating is None or not 1 <= rating <= 5))
        or (recommendation and recommendation not in RECOMMENDATIONS)
        or len(notes) > 10000
    ):
        flash(
            _(
                "Rate from 1 to 5, choose a recommendation from the list, and keep notes under 10,000 characters."
            ),
            "error",
        )
        return _render_interview(interview, 422)
    card = db.session.scalar(
        select(Scorecard).where(
            Scorecard.interview_id == interview.id, Scorecard.author_id == current_user.id
        )
    )
    if card is None:
        card = Scorecard(
            interview_id=interview.id,
            application_id=interview.application_id,
            author_id=current_user.id,
        )
        db.session.add(card)
    card.rating, card.recommendation, card.notes = rating, recommendation, notes
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(saved=True)
    flash(_("Scorecard saved."), "success")
    back = (
        "interviews.room"
        if request.form.get("next") == "room" and interview.status == InterviewStatus.SCHEDULED
        else "interviews.interview"
    )
    return redirect(url_for(back, interview_id=interview.id), 303)
