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
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.access import member_application, roles_required
from app.errors import refused
from app.extensions import db
from app.interviews import lobby, service
from app.interviews.forms import ScheduleForm
from app.interviews.service import SchedulingError, is_candidate, is_interviewer, room_expiry
from app.labels import CANCEL_REASONS
from app.models import Application, Interview, InterviewStatus, Role, User, utcnow
from app.redis_store import get_redis
from app.routing import as_id
from app.templating import zone_name
from video import tokens as video_tokens

bp = Blueprint("interviews", __name__)


STATUS_LABELS = {
    InterviewStatus.PROPOSED: _l("Waiting for the candidate to pick a time"),
    InterviewStatus.SCHEDULED: _l("Scheduled"),
    InterviewStatus.CANCELLED: _l("Cancelled"),
    InterviewStatus.COMPLETED: _l("Completed"),
}
"""An interview's status as its employer's members read it."""
CANDIDATE_STATUS_LABELS = {
    **STATUS_LABELS,
    InterviewStatus.PROPOSED: _l("Waiting for you to pick a time"),
}
"""As its candidate reads it: the step that waits on them says so."""
OWN_SIDE_CANCELLED = {
    "employer_cancelled": _l("Your team cancelled it."),
    "candidate_cancelled": _l("You cancelled it."),
}
"""A cancellation as the side that made it reads it; anyone else reads CANCEL_REASONS."""


@bp.app_template_global("interview_status_label")
def interview_status_label(interview: Interview) -> str:
    """INTERVIEW's status in the current reader's words (its candidate's or its employer's)."""
    own = CANDIDATE_STATUS_LABELS if is_candidate(current_user, interview) else STATUS_LABELS
    return str(own.get(interview.status, interview.status))


@bp.app_template_global("interview_cancel_reason")
def interview_cancel_reason(interview: Interview) -> str:
    """Why INTERVIEW was cancelled, in the current reader's language and from their side;
    empty when not known (cancelled before reasons were kept)."""
    reason = interview.cancel_reason
    own_side = (reason == "candidate_cancelled" and is_candidate(current_user, interview)) or (
        reason == "employer_cancelled" and is_interviewer(current_user, interview)
    )
    label = OWN_SIDE_CANCELLED[reason] if own_side else CANCEL_REASONS.get(reason, "")
    return str(label)


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


@bp.app_template_filter("interview_time")
def interview_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's zone, with the zone named."""
    if value is None:
        return ""
    return f"{format_datetime(value, 'EEE y-MM-dd HH:mm')} {zone_name()}"


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


def schedule_form() -> ScheduleForm:
    return ScheduleForm(timezone=current_user.timezone, duration="30")


def render_schedule(
    application: Application,
    form: ScheduleForm | None,
    interview: Interview | None = None,
    status: int = 200,
):
    zones = list(COMMON_ZONES)
    if current_user.timezone not in zones:
        zones.insert(0, current_user.timezone)
    return render_template(
        "interviews/schedule.html",
        application=application,
        interview=interview,
        zones=zones,
        durations=service.DURATIONS,
        max_slots=service.MAX_SLOTS,
        form=form,
    ), status


def render_interview(interview: Interview, status: int = 200):
    interviewer = is_interviewer(current_user, interview)
    scorecards = service.scorecards(interview) if interviewer else []
    return render_template(
        "interviews/interview.html",
        interview=interview,
        interviewer=interviewer,
        scorecards=scorecards,
        authors=service.authors(scorecards),
        recommendations=service.RECOMMENDATIONS,
        now=utcnow(),
    ), status


def done(interview: Interview, message: str):
    """Commit the step and show the interview page with MESSAGE."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("interviews.interview", interview_id=interview.id), 303)


@bp.route("/video/applications/<id:application_id>/schedule", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def schedule(application_id: int):
    """The employer proposes 1-5 times; the candidate is notified and picks one."""
    application = member_application(application_id)
    form = schedule_form()
    try:
        service.ensure_hiring(application)
    except SchedulingError as error:  # the form is not offered for a job whose hiring ended
        return refused(error, lambda status: render_schedule(application, None, status=status))
    if not form.validate_on_submit():
        return render_schedule(application, form, status=422 if form.is_submitted() else 200)
    try:
        interview = service.propose(application, current_user, *form.proposal())
    except SchedulingError as error:
        return refused(error, lambda status: render_schedule(application, form, status=status))
    return done(interview, _("Times proposed. The candidate has been notified."))


@bp.route("/video/interviews/<id:interview_id>/reschedule", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def reschedule(interview_id: int):
    interview = interviewer_only(interview_id)
    form = schedule_form()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_schedule(interview.application, form, interview, status)
    try:
        service.reschedule(interview, current_user, *form.proposal())
    except SchedulingError as error:
        return refused(
            error, lambda status: render_schedule(interview.application, form, interview, status)
        )
    return done(interview, _("New times proposed. The candidate has been notified."))


@bp.route("/video/interviews/<id:interview_id>")
@login_required
def interview(interview_id: int):
    return render_interview(visible_interview(interview_id))


@bp.route("/video/interviews/<id:interview_id>/pick", methods=["POST"])
@login_required
def pick(interview_id: int):
    interview = visible_interview(interview_id)
    if not is_candidate(current_user, interview):
        abort(403)
    slot_id = as_id(request.form.get("slot_id", "")) or 0
    try:
        service.pick(interview, current_user, slot_id)
    except SchedulingError as error:
        return refused(error, lambda status: render_interview(interview, status))
    return done(interview, _("Interview scheduled. Add it to your calendar below."))


@bp.route("/video/interviews/<id:interview_id>/cancel", methods=["POST"])
@login_required
def cancel(interview_id: int):
    interview = visible_interview(interview_id)
    try:
        service.cancel(interview, current_user, note=request.form.get("reason", ""))
    except SchedulingError as error:
        return refused(error, lambda status: render_interview(interview, status))
    return done(interview, _("Interview cancelled. The other side has been notified."))


@bp.route("/video/interviews/<id:interview_id>/invite.ics")
@login_required
def invite_ics(interview_id: int):
    interview = visible_interview(interview_id)
    if interview.starts_at is None:
        abort(404)
    return Response(
        service.ics(interview),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"'},
    )


# The room --------------------------------------------------------------------------------


def room_is_open(interview: Interview) -> bool:
    return (
        interview.status == InterviewStatus.SCHEDULED
        and interview.room_id is not None
        and room_expiry(interview) > utcnow()
    )


def open_interview(interview_id: int) -> Interview:
    """A visible interview whose room is open; 404 otherwise."""
    interview = visible_interview(interview_id)
    if not room_is_open(interview):
        abort(404)
    return interview


CLOSED_MESSAGES = {
    InterviewStatus.COMPLETED: _l("This interview has ended."),
    InterviewStatus.CANCELLED: _l("This interview was cancelled."),
    InterviewStatus.PROPOSED: _l(
        "This interview was moved to another time. Its room opens again once a new time is picked."
    ),
}


def closed(interview: Interview):
    """410 and, in the reader's language, why the room closed and where to go: the room page
    shows it to whoever waits in the lobby or sits in the call when the room goes away."""
    message = CLOSED_MESSAGES.get(interview.status, _l("This interview's room has closed."))
    return jsonify(
        closed=True,
        status=interview.status.value,
        message=str(message),
        url=url_for("interviews.interview", interview_id=interview.id),
    ), 410


def room_token(interview: Interview, role: str) -> str:
    """A token for the current user, who has just been checked to belong in the room; it
    works while the pages keep renewing their access (:func:`service.grant_access`)."""
    ttl = min(TOKEN_MAX_SECONDS, int((room_expiry(interview) - utcnow()).total_seconds()))
    if ttl <= 0:
        abort(404)
    service.grant_access(interview, current_user)
    return video_tokens.issue_token(
        current_app.config["SECRET_KEY"], interview.room_id, str(current_user.id), ttl, role=role
    )


def lobby_ttl(interview: Interview) -> int:
    return max(60, int((room_expiry(interview) - utcnow()).total_seconds()))


def waiting_users(interview: Interview) -> list[User]:
    """The candidate, while their lobby page keeps polling and nobody has admitted them."""
    ids = lobby.waiting(get_redis(current_app), interview.room_id)
    candidate = interview.application.candidate
    return [candidate] if candidate.id in ids else []


@bp.route("/video/interviews/<id:interview_id>/room")
@login_required
def room(interview_id: int):
    """Lobby (camera check, preview) and room. Interviewers get their token with the page;
    a candidate's token comes from the lobby endpoint only once an interviewer admits them."""
    interview = open_interview(interview_id)
    interviewer = is_interviewer(current_user, interview)
    people = [interview.application.candidate, *service.interviewers(interview)]
    return render_template(
        "interviews/room.html",
        interview=interview,
        interviewer=interviewer,
        scorecard=service.own_scorecard(interview, current_user) if interviewer else None,
        waiting=waiting_users(interview) if interviewer else [],
        token=room_token(interview, "interviewer") if interviewer else "",
        ice_servers=json.dumps(current_app.config.get("VIDEO_ICE_SERVERS") or []),
        ends_at=(interview.starts_at.isoformat() + "Z") if interview.starts_at else "",
        duration=interview.duration_minutes,
        recommendations=service.RECOMMENDATIONS,
        names=json.dumps({str(u.id): u.name for u in people}),
    )


@bp.route("/video/interviews/<id:interview_id>/lobby")
@login_required
def lobby_state(interview_id: int):
    """Polled by the room page, in the lobby and during the call. Candidate: am I admitted
    (then the token)? Interviewer: who waits. Each poll renews the poller's access to the room.
    A room that closed answers 410 with why, for the page to say so (see :func:`closed`)."""
    interview = visible_interview(interview_id)
    if not room_is_open(interview):
        return closed(interview)
    redis = get_redis(current_app)
    if is_interviewer(current_user, interview):
        service.grant_access(interview, current_user)
        return jsonify(waiting=[{"id": u.id, "name": u.name} for u in waiting_users(interview)])
    if lobby.is_admitted(redis, interview.room_id, current_user.id):
        return jsonify(admitted=True, token=room_token(interview, "candidate"))
    lobby.mark_waiting(redis, interview.room_id, current_user.id, lobby_ttl(interview))
    return jsonify(admitted=False)


@bp.route("/video/interviews/<id:interview_id>/admit", methods=["POST"])
@login_required
def admit(interview_id: int):
    interview = open_interview(interview_id)
    if not is_interviewer(current_user, interview):
        abort(403)
    lobby.admit(
        get_redis(current_app),
        interview.room_id,
        interview.application.candidate_id,
        lobby_ttl(interview),
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify(admitted=True)
    flash(_("The candidate is admitted."), "success")
    return redirect(url_for("interviews.room", interview_id=interview.id), 303)


@bp.route("/video/interviews/<id:interview_id>/end", methods=["POST"])
@login_required
def end(interview_id: int):
    interview = interviewer_only(interview_id)
    try:
        service.complete(interview, current_user)
    except SchedulingError as error:
        return refused(error, lambda status: render_interview(interview, status))
    return done(interview, _("Interview ended."))


@bp.route("/video/interviews/<id:interview_id>/scorecard", methods=["POST"])
@login_required
def scorecard(interview_id: int):
    """Each interviewer's own scorecard, saved to the application; candidates never see it."""
    interview = interviewer_only(interview_id)
    form = request.form
    try:
        service.save_scorecard(
            interview,
            current_user,
            form.get("rating", ""),
            form.get("recommendation", ""),
            form.get("notes", ""),
        )
    except SchedulingError as error:
        return refused(error, lambda status: render_interview(interview, status))
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(saved=True)
    flash(_("Scorecard saved."), "success")
    back_to_room = form.get("next") == "room" and interview.status == InterviewStatus.SCHEDULED
    back = "interviews.room" if back_to_room else "interviews.interview"
    return redirect(url_for(back, interview_id=interview.id), 303)
