"""Broadcast pages: the list for one's region, the watch page (player, Q&A, pinned jobs), the
host's studio (go live from the browser, moderate, pin jobs, figures), and the WHIP endpoint
on the app's origin, forwarded to the media server that holds the broadcast.

Anyone may list and watch (policy briefings are public); asking, voting and applying need an
account; the studio and moderation need :func:`service.can_host` (404 for anyone else, so
the studio of another region's broadcast cannot be probed).
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request

import redis
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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import OFFICIALS, roles_required
from app.broadcasts import service
from app.broadcasts.forms import BroadcastForm, RescheduleForm
from app.dashboards.scope import current_scope, scoped_get
from app.errors import refused
from app.extensions import csrf, db, limiter
from app.labels import options
from app.media.service import forget_server, server_for_room
from app.models import (
    Broadcast,
    BroadcastQuestion,
    BroadcastStatus,
    Job,
    Role,
)
from app.redis_store import get_redis
from app.routing import as_id, page_number
from app.security import CONTENT_SECURITY_POLICY
from video import rooms
from video.exceptions import NoMediaServer, RoomNotFound

bp = Blueprint("broadcasts", __name__)

QUESTION_LIMIT = "5 per minute;30 per hour"
"""Per client address: enough to ask and correct, not to flood the moderators."""
HEARTBEAT_LIMIT = "12 per minute"
"""The watch page beats every 15 s; a few tabs behind one address still fit."""
WHIP_LIMIT = "20 per minute"
WHIP_TIMEOUT = 20


def _broadcast(broadcast_id: int) -> Broadcast:
    """The broadcast, if the public may see it or the current user may host it (404 for
    one of a company whose review is not approved: nobody watches it, nobody publishes)."""
    broadcast = db.get_or_404(Broadcast, broadcast_id)
    if not service.is_listed(db.session, broadcast) and not service.can_host(
        current_user, broadcast
    ):
        abort(404)
    return broadcast


def _hosted(broadcast_id: int) -> Broadcast:
    broadcast = _broadcast(broadcast_id)
    if not service.can_host(current_user, broadcast):
        abort(404)
    return broadcast


def _playback_url(broadcast: Broadcast, playlist: str = "live.m3u8") -> str:
    """The playlist's URL for this browser (the host it reached us by, unless a CDN is set)."""
    return service.playback_url(current_app, broadcast, playlist, request.host)


def _with_playback_policy(response: Response) -> Response:
    """Let the player fetch playlists and segments from the playback origin (a CDN, or the
    embedded static server on the host this browser used)."""
    parts = urllib.parse.urlsplit(service.playback_base(current_app, request.host))
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    policy = CONTENT_SECURITY_POLICY.replace("connect-src 'self'", f"connect-src 'self' {origin}")
    policy = policy.replace("media-src 'self' blob:", f"media-src 'self' blob: {origin}")
    response.headers["Content-Security-Policy"] = policy
    return response


@bp.route("/broadcasts/")
def index():
    user = current_user if current_user.is_authenticated else None
    replays = service.recent_replays(db.session)
    return render_template(
        "broadcasts/index.html",
        broadcasts=service.for_region(db.session, user),
        replays=replays,
        with_replay={b.id for b in replays if service.has_replay(current_app, b)},
        may_create=user is not None and service.may_host(user),
    )


@bp.route("/broadcasts/<id:broadcast_id>")
def show(broadcast_id: int):
    broadcast = _broadcast(broadcast_id)
    signed_in = current_user.is_authenticated
    page = render_template(
        "broadcasts/show.html",
        broadcast=broadcast,
        status=service.shown_status(current_app, broadcast),
        live_url=_playback_url(broadcast),
        audio_url=_playback_url(broadcast, "audio.m3u8"),
        replay_url=_playback_url(broadcast, "replay.m3u8"),
        has_replay=service.has_replay(current_app, broadcast),
        questions=service.questions(db.session, broadcast, moderator=False),
        jobs=service.pinned_jobs(db.session, broadcast),
        reminded=signed_in and service.wants_reminder(db.session, broadcast, current_user),
        may_host=service.can_host(current_user, broadcast),
    )
    return _with_playback_policy(Response(page))


@bp.route("/broadcasts/<id:broadcast_id>/questions.json")
def questions_json(broadcast_id: int):
    """What the watch page polls: the visible questions (the host's studio: all but rejected)."""
    broadcast = _broadcast(broadcast_id)
    moderator = service.can_host(current_user, broadcast)
    listed = service.questions(db.session, broadcast, moderator=moderator)
    return jsonify(
        status=service.shown_status(current_app, broadcast).value,
        questions=[service.question_json(q) for q in listed],
    )


@bp.route("/broadcasts/<id:broadcast_id>/remind", methods=["POST"])
@login_required
def remind(broadcast_id: int):
    broadcast = _broadcast(broadcast_id)
    try:
        shown = service.shown_status(current_app, broadcast)  # the row lags the media's end
        service.remind(db.session, broadcast, current_user, shown)
    except service.BroadcastError as error:
        return refused(error, lambda status: (show(broadcast.id), status))
    db.session.commit()
    flash(_("We will remind you here and by e-mail when it starts."), "success")
    return redirect(url_for(".show", broadcast_id=broadcast.id), 303)


@bp.route("/broadcasts/<id:broadcast_id>/questions", methods=["POST"])
@login_required
@limiter.limit(QUESTION_LIMIT)
def ask(broadcast_id: int):
    broadcast = _broadcast(broadcast_id)
    back = url_for(".show", broadcast_id=broadcast.id) + "#questions"
    try:
        shown = service.shown_status(current_app, broadcast)  # the row lags the media's end
        service.ask(db.session, broadcast, current_user, request.form.get("body", ""), shown)
    except service.BroadcastError as error:
        if request.accept_mimetypes.best == "application/json":
            db.session.rollback()
            return jsonify(error=str(error)), error.status
        return refused(error, lambda status: (show(broadcast.id), status))
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True), 201
    flash(_("Thank you: your question appears once a moderator approves it."), "success")
    return redirect(back, 303)


@bp.route("/broadcasts/questions/<id:question_id>/vote", methods=["POST"])
@login_required
@limiter.limit("60 per minute")
def vote(question_id: int):
    question = db.get_or_404(BroadcastQuestion, question_id)
    _broadcast(question.broadcast_id)
    try:
        service.vote(db.session, question, current_user)
    except service.BroadcastError as error:
        db.session.rollback()
        return jsonify(error=str(error)), error.status
    db.session.commit()
    return jsonify(votes=question.votes)


@bp.route("/broadcasts/<id:broadcast_id>/presence", methods=["POST"])
@limiter.limit(HEARTBEAT_LIMIT)
def presence(broadcast_id: int):
    """A watching browser's heartbeat: signed-in viewers count with their region, others
    under a random key kept in their session (region unknown)."""
    broadcast = _broadcast(broadcast_id)
    status = service.shown_status(current_app, broadcast)
    if status != BroadcastStatus.LIVE:
        return jsonify(watching=0, status=status.value)
    if current_user.is_authenticated:
        key, region = f"user:{current_user.id}", current_user.region_code
    else:
        session.setdefault("viewer", secrets.token_hex(8))
        key, region = f"anon:{session['viewer']}", None
    watching = service.heartbeat(current_app, db.session, broadcast, key, region)
    db.session.commit()
    return jsonify(watching=watching, status=broadcast.status.value)


@bp.route("/broadcasts/<id:broadcast_id>/jobs/<id:job_id>/apply", methods=["POST"])
@roles_required(Role.SEEKER)
def apply(broadcast_id: int, job_id: int):
    broadcast = _broadcast(broadcast_id)
    back = redirect(url_for(".show", broadcast_id=broadcast.id) + "#jobs", 303)
    try:
        _application, created = service.apply_from_stream(
            db.session, broadcast, current_user, db.get_or_404(Job, job_id)
        )
    except service.BroadcastError as error:
        if error.status == 404:
            abort(404)
        return refused(error, lambda status: (show(broadcast.id), status))
    except service.DomainError as error:
        return refused(error, lambda status: (show(broadcast.id), status))
    db.session.commit()
    flash(
        _("Your application was sent.") if created else _("You have already applied to this job."),
        "success" if created else "info",
    )
    return back


# Hosts ---------------------------------------------------------------------------------------


@bp.route("/broadcasts/new", methods=["GET", "POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN, Role.EMPLOYER)
def new():
    """Officials schedule briefings in their region; a verified employer schedules a
    livestream of a fair it has registered for, in the fair's region (403 for a company
    whose review is not approved)."""
    service.ensure_may_host(current_user)
    form = BroadcastForm()
    hints = {}
    if current_user.role == Role.EMPLOYER:
        del form.region_code  # a fair's livestream is for the fair's region
    elif current_user.role == Role.OFFICIAL:
        hints["region_code"] = _("Empty: the fair's region if you choose a fair, else your own.")
    else:
        hints["region_code"] = _("Empty: the fair's region if you choose a fair, else national.")
    fairs = service.fairs_for_host(db.session, current_user)
    form.fair_id.choices = options([(0, "—"), *((f.id, f.title) for f in fairs)])
    if form.validate_on_submit():
        try:
            broadcast = service.schedule(db.session, current_user, form)
        except service.BroadcastError as error:
            db.session.rollback()
            if error.field in form:  # beside its field, which the page marks
                form[error.field].errors.append(str(error))
            else:  # the page shows these above the form
                form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The broadcast is scheduled."), "success")
            return redirect(url_for(".studio", broadcast_id=broadcast.id))
    page = render_template(
        "_form_page.html", form=form, hints=hints, title=_("Schedule a broadcast")
    )
    return page, (422 if form.is_submitted() else 200)


@bp.route("/broadcasts/<id:broadcast_id>/studio")
@login_required
def studio(broadcast_id: int):
    return _studio_page(_hosted(broadcast_id))


def _studio_page(broadcast: Broadcast, changing: bool = False) -> Response:
    """The studio; CHANGING opens "Change the time or cancel" (a new time was refused: its
    message is flashed above, the form stays in view to correct it)."""
    pinned = {job.id for job in service.pinned_jobs(db.session, broadcast)}
    page = render_template(
        "broadcasts/studio.html",
        broadcast=broadcast,
        token=service.publisher_token(current_app, broadcast),
        whip_url=service.whip_url(broadcast),
        live_url=_playback_url(broadcast),
        questions=service.questions(db.session, broadcast, moderator=True),
        jobs=service.pinnable_jobs(db.session, broadcast),
        pinned=pinned,
        figures=service.figures(current_app, db.session, broadcast),
        starts_in_beijing=service.in_beijing(broadcast.starts_at).strftime("%Y-%m-%dT%H:%M"),
        changing=changing,
    )
    return _with_playback_policy(Response(page))


@bp.route("/broadcasts/<id:broadcast_id>/cancel", methods=["POST"])
@login_required
def cancel(broadcast_id: int):
    """The host calls off a scheduled broadcast; a refusal (it is live, ended, cancelled
    already) shows the studio again with the reason."""
    broadcast = _hosted(broadcast_id)
    try:
        service.cancel(db.session, broadcast, current_user)
    except service.BroadcastError as error:
        return refused(error, lambda status: (_studio_page(broadcast), status))
    db.session.commit()
    flash(_("The broadcast is cancelled. Those who asked for a reminder are told."), "success")
    return redirect(url_for(".studio", broadcast_id=broadcast.id), 303)


@bp.route("/broadcasts/<id:broadcast_id>/reschedule", methods=["POST"])
@login_required
def reschedule(broadcast_id: int):
    """The host moves a scheduled broadcast to another time (Beijing time, as scheduled)."""
    from app.interviews.service import to_utc

    broadcast = _hosted(broadcast_id)
    form = RescheduleForm()
    try:
        if not form.validate_on_submit():
            raise service.BroadcastError(_("Give the new start time."), status=422)
        starts_at = to_utc(form.starts_at.data, "Asia/Shanghai")
        service.reschedule(db.session, broadcast, current_user, starts_at)
    except service.DomainError as error:  # to_utc's refusals too
        return refused(error, lambda status: (_studio_page(broadcast, changing=True), status))
    db.session.commit()
    flash(_("The new time is saved. Those who asked for a reminder are told."), "success")
    return redirect(url_for(".studio", broadcast_id=broadcast.id), 303)


@bp.route("/broadcasts/<id:broadcast_id>/figures.json")
@login_required
def figures(broadcast_id: int):
    broadcast = _hosted(broadcast_id)
    return jsonify(service.figures(current_app, db.session, broadcast))


@bp.route("/broadcasts/questions/<id:question_id>/moderate", methods=["POST"])
@login_required
def moderate(question_id: int):
    question = db.get_or_404(BroadcastQuestion, question_id)
    broadcast = _hosted(question.broadcast_id)
    try:
        service.moderate(
            db.session, question, request.form.get("action", ""), request.form.get("answer", "")
        )
    except service.BroadcastError as error:
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=str(error)), error.status
        flash(str(error), "error")
        return redirect(url_for(".studio", broadcast_id=broadcast.id), 303)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(service.question_json(question))
    return redirect(url_for(".studio", broadcast_id=broadcast.id) + "#questions", 303)


@bp.route("/broadcasts/<id:broadcast_id>/pins", methods=["POST"])
@login_required
def pin(broadcast_id: int):
    broadcast = _hosted(broadcast_id)
    job_id = as_id(request.form.get("job", ""))
    if job_id is None:
        abort(400)
    try:
        service.pin_job(db.session, broadcast, job_id, request.form.get("pinned") == "1")
    except service.BroadcastError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".studio", broadcast_id=broadcast.id), 303)
    db.session.commit()
    return redirect(url_for(".studio", broadcast_id=broadcast.id) + "#jobs", 303)


# Officials' figures -------------------------------------------------------------------------


OFFICIAL_LIST_PER_PAGE = 50
"""A province holds hundreds of briefings a year: a page of 50 keeps the figures' five
queries bounded (they read only this page's broadcasts) and fits a phone's cards."""


@bp.route("/officials/broadcasts")
@roles_required(*OFFICIALS)
def official_list():
    """One page (``?page=``) of the broadcasts of the official's region (``?region=`` narrows
    it), latest start first, with their figures."""
    page = page_number(request.args)
    query = (
        current_scope()
        .broadcasts()
        .order_by(Broadcast.starts_at.desc(), Broadcast.id.desc())
        .offset((page - 1) * OFFICIAL_LIST_PER_PAGE)
        .limit(OFFICIAL_LIST_PER_PAGE + 1)
    )
    listed = db.session.scalars(query).all()
    more, listed = len(listed) > OFFICIAL_LIST_PER_PAGE, listed[:OFFICIAL_LIST_PER_PAGE]
    return render_template(
        "broadcasts/officials.html",
        broadcasts=listed,
        figures=service.figures_of(db.session, listed),
        page=page,
        more=more,
    )


@bp.route("/officials/broadcasts/<id:broadcast_id>")
@roles_required(*OFFICIALS)
def official_figures(broadcast_id: int):
    """One broadcast's figures; 404 outside the official's region."""
    broadcast = scoped_get(Broadcast, broadcast_id, lambda b: b.region_code or "")
    return render_template(
        "broadcasts/figures.html",
        broadcast=broadcast,
        status=service.shown_status(current_app, broadcast),
        figures=service.figures(current_app, db.session, broadcast),
    )


# WHIP on the app's origin ---------------------------------------------------------------------


def _room_id(broadcast: Broadcast) -> str:
    return f"broadcast-{broadcast.id}"


def _media_server(broadcast: Broadcast) -> str:
    """The media server holding the broadcast: its placement is a room in the registry."""
    try:
        return server_for_room(current_app, _room_id(broadcast))
    except RoomNotFound:
        rooms.create_room(
            get_redis(current_app),
            _room_id(broadcast),
            kind="adhoc",
            capacity=1,
            ttl_seconds=service.PUBLISHER_TOKEN_SECONDS,
        )
        return server_for_room(current_app, _room_id(broadcast))


def _forward_whip(broadcast: Broadcast, method: str, path: str, body: bytes | None):
    """Send the WHIP request to the broadcast's media server (once more to the next one if
    the first refuses the connection); returns (status, body, headers) or a 503 Response."""
    headers = {"Authorization": request.headers.get("Authorization", "")}
    if body is not None:
        headers["Content-Type"] = request.content_type or ""
    for attempt in (1, 2):
        try:
            base = _media_server(broadcast)
        except (NoMediaServer, RoomNotFound, redis.RedisError) as error:
            current_app.logger.warning("no media server for broadcast %s: %s", broadcast.id, error)
            return None
        outgoing = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(outgoing, timeout=WHIP_TIMEOUT) as answer:
                return answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers
        except (urllib.error.URLError, OSError) as error:
            refused_ = isinstance(getattr(error, "reason", error), ConnectionRefusedError)
            if not refused_ or attempt == 2:
                return None
            forget_server(current_app, base)
    return None


def _unavailable() -> Response:
    return Response("the media server is unreachable\n", 503, mimetype="text/plain")


@bp.route("/broadcasts/<id:broadcast_id>/whip", methods=["POST"])
@csrf.exempt
@limiter.limit(WHIP_LIMIT)
def whip_publish(broadcast_id: int):
    """RFC 9725 ingest: the bearer token is the publisher's; the media server checks it.
    A cancelled broadcast takes no publisher (its token stays valid for 24 h)."""
    broadcast = _broadcast(broadcast_id)
    if broadcast.status == BroadcastStatus.CANCELLED:
        return Response("the broadcast was cancelled\n", 409, mimetype="text/plain")
    answer = _forward_whip(
        broadcast, "POST", f"/video/broadcasts/{broadcast.id}/whip", request.get_data()
    )
    if answer is None:
        return _unavailable()
    status, body, headers = answer
    response = Response(body, status, content_type=headers.get("Content-Type", "text/plain"))
    if status == 201:
        session_id = headers["Location"].rsplit("/", 1)[-1]
        response.headers["Location"] = url_for(
            ".whip_end", broadcast_id=broadcast.id, session_id=session_id
        )
        if headers.get("ETag"):
            response.headers["ETag"] = headers["ETag"]
        if service.went_live(db.session, broadcast):
            service.send_reminders(broadcast)
        db.session.commit()
    elif status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="whip"'
    return response


@bp.route("/broadcasts/<id:broadcast_id>/whip/<session_id>", methods=["DELETE"])
@csrf.exempt
@limiter.limit(WHIP_LIMIT)
def whip_end(broadcast_id: int, session_id: str):
    broadcast = _broadcast(broadcast_id)
    if not rooms.ROOM_ID_RE.match(session_id):
        abort(404)
    path = f"/video/broadcasts/{broadcast.id}/whip/{session_id}"
    answer = _forward_whip(broadcast, "DELETE", path, None)
    if answer is None:
        return _unavailable()
    status, body, headers = answer
    if status == 200:
        service.ended(db.session, broadcast)
        db.session.commit()
    return Response(body, status, content_type=headers.get("Content-Type", "text/plain"))
