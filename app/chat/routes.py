"""Pages of conversations, the page-side JSON (polling fallback, sending without reload),
and `GET /api/v1/events` as served by a web process.

The stream: a page connects to the stream processes (app.chat.stream) when `yunpin run`
started them (CHAT_STREAM_PORT), else to this route on its own origin. Here a stream holds
one of the web process's threads, so each process serves only a few at a time (503 with
Retry-After beyond); the stream processes hold the many.
"""

from __future__ import annotations

from collections.abc import Callable

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
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.access import OFFICIALS, member_application, member_job, roles_required, scope_code
from app.api.auth import bearer, token_user, unauthorized
from app.chat import events, service
from app.errors import DomainError, refused
from app.extensions import db, limiter, per_account
from app.models import Conversation, Invitation, Job, Role, Side
from app.resumes.service import default_resume

bp = Blueprint("chat", __name__)
bp.record_once(lambda state: events.init_app(state.app))

UNREAD_KEY = "yunpin.chat_unread"
PAGE_MESSAGES = 200


@bp.app_context_processor
def chat_unread() -> dict:
    """The badge of the Messages link, computed once per request, and where chat-badge.js
    keeps it live: the stream processes when they run (a web process has too few stream
    slots to give one to every open page: without them the badge polls)."""
    from flask import has_request_context

    if not has_request_context() or not current_user.is_authenticated:
        return {"chat_unread": 0, "responsiveness": service.shown_responsiveness}
    if UNREAD_KEY not in request.environ:
        request.environ[UNREAD_KEY] = service.unread_count(current_user)
    origin = stream_origin()
    return {
        "chat_unread": request.environ[UNREAD_KEY],
        "chat_badge_stream": origin + url_for("chat.stream") if origin else "",
        "responsiveness": service.shown_responsiveness,
    }


@bp.after_app_request
def allow_stream_origin(response: Response) -> Response:
    """Pages of candidates and employers may connect to the stream processes (the unread
    badge on every page, the conversation page): their origin joins connect-src."""
    origin = stream_origin() if response.mimetype == "text/html" else None
    if not origin or not current_user.is_authenticated:
        return response
    if current_user.role not in (Role.SEEKER, Role.EMPLOYER):
        return response
    from app.security import CONTENT_SECURITY_POLICY

    policy = response.headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if origin not in policy:
        policy = policy.replace("connect-src 'self'", f"connect-src 'self' {origin}")
    response.headers["Content-Security-Policy"] = policy
    return response


@bp.app_template_filter()
def mask_wechat(wechat: str | None) -> str:
    """wx****42: that the other side gave one, not what it is."""
    if not wechat:
        return ""
    return f"{wechat[:2]}****{wechat[-2:]}"


def stream_origin() -> str | None:
    """Where pages open the stream: the stream processes' port on this host, when known."""
    port = current_app.config.get("CHAT_STREAM_PORT")
    if not port:
        return None
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return f"{request.scheme}://{host}:{port}"


# The stream ----------------------------------------------------------------------------


@bp.route("/api/v1/events")
def stream():
    """Server-Sent Events for the caller (bearer token, or the page's session)."""
    user = None
    if bearer() is not None:
        user = token_user() or unauthorized()
    elif current_user.is_authenticated:
        user = current_user
    else:
        unauthorized()
    if user.role not in (Role.SEEKER, Role.EMPLOYER):
        abort(403)
    if not events.try_hold():
        response = jsonify(
            type="about:blank",
            title=_("Too many open streams here"),
            status=503,
            detail=_("Connect to the stream server, or poll the messages with ?after=."),
            stream=stream_origin(),
        )
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        response.mimetype = "application/problem+json"
        return response
    pubsub = None
    try:
        audience = events.audience_of(user)
        pubsub = events.subscribe(current_app)
        after = events.resume_point(request.args, request.headers)
        replay = events.backlog(user, after) if after is not None else []
        db.session.commit()  # end the read; the stream holds no transaction
    except BaseException:
        if pubsub is not None:
            pubsub.close()
        events.let_go()
        raise
    return Response(
        events.ThreadStream(
            current_app._get_current_object(),
            {k: v for k, v in request.headers.items() if k.lower() in events.AUTH_HEADERS},
            audience,
            pubsub,
            replay,
        ),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


# Pages ---------------------------------------------------------------------------------


def party_conversation(conversation_id: int) -> Conversation:
    conversation = service.find_visible(current_user, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@bp.route("/conversations")
@roles_required(Role.SEEKER, Role.EMPLOYER)
def index():
    if current_user.role == Role.EMPLOYER and current_user.membership is None:
        return redirect(url_for("employers.dashboard"))
    conversations = db.session.scalars(
        select(Conversation)
        .where(service.mine(current_user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(200)
    ).all()
    unread = service.unread_by_conversation(current_user, [c.id for c in conversations])
    return render_template("chat/index.html", conversations=conversations, unread=unread)


@bp.route("/conversations/<id:conversation_id>")
@login_required
def conversation(conversation_id: int):
    conversation = party_conversation(conversation_id)
    side = service.side_of(current_user, conversation)
    messages = service.messages_after(conversation, 0, 10_000)[-PAGE_MESSAGES:]
    blocked_by_me, blocked_by_them = service.blocks(conversation, side) if side else (False, False)
    return render_template(
        "chat/conversation.html",
        conversation=conversation,
        side=side,
        blocked_by_me=blocked_by_me,
        blocked_by_them=blocked_by_them,
        messages=messages,
        stream_url=(stream_origin() or "") + url_for("chat.stream"),
        quick_replies=service.QUICK_REPLIES if side == Side.EMPLOYER else (),
        contacts=service.contacts_visible(conversation),
        employer_phone=service.employer_phone(conversation),
        my_wechat=service.last_wechat(current_user) if side else "",
        my_resume=default_resume(current_user) if side == Side.CANDIDATE else None,
    )


@bp.route("/conversations/unread.json")
@roles_required(Role.SEEKER, Role.EMPLOYER)
def unread_json():
    """The header badge's count (chat-badge.js asks when the stream says something changed,
    or every 20 s without the stream)."""
    return jsonify(unread=service.unread_count(current_user))


@bp.route("/conversations/<id:conversation_id>/messages.json")
@login_required
def messages_json(conversation_id: int):
    """The polling fallback of the page: messages after ?after= and the other side's read
    position."""
    conversation = party_conversation(conversation_id)
    after = request.args.get("after", "0")
    after = int(after) if after.isdecimal() and len(after) < 11 else 0
    rows = service.messages_after(conversation, after, 100)
    side = service.side_of(current_user, conversation)
    other_read = (
        conversation.employer_read_up_to
        if side == Side.CANDIDATE
        else conversation.candidate_read_up_to
    )
    return jsonify(items=[service.message_json(m) for m in rows], other_read_up_to=other_read)


SEND_LIMIT = "30 per minute"
"""Messages one account may send, from the pages and the API together."""


def send_limit(key_func):
    """SEND_LIMIT counted once per account, whichever of the page (`per_account`) or the API
    (`rate_key`, the same key for the same person) it sends from; the API's own limit
    still counts too."""
    return limiter.shared_limit(
        SEND_LIMIT, scope="chat-send", key_func=key_func, override_defaults=False
    )


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/conversations/<id:conversation_id>/messages", methods=["POST"])
@login_required
@send_limit(per_account)
def send(conversation_id: int):
    conversation = party_conversation(conversation_id)
    try:
        message = service.send(conversation, current_user, request.form.get("text", ""))
    except DomainError as error:
        db.session.rollback()
        if wants_json():
            return jsonify(error=str(error.message)), error.status
        flash(str(error.message), "error")
        return redirect(url_for("chat.conversation", conversation_id=conversation_id))
    db.session.commit()
    if wants_json():
        return jsonify(service.message_json(message)), 201
    return redirect(url_for("chat.conversation", conversation_id=conversation_id))


@bp.route("/conversations/<id:conversation_id>/read", methods=["POST"])
@login_required
def read(conversation_id: int):
    conversation = party_conversation(conversation_id)
    up_to = request.form.get("up_to", "")
    if not up_to.isdecimal() or len(up_to) > 10:
        return jsonify(error=_("up_to must be a message id.")), 422
    try:
        position = service.mark_read(conversation, current_user, int(up_to))
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), error.status
    db.session.commit()
    return jsonify(read_up_to=position)


def _action(conversation_id: int, act, done: str | Callable[[Conversation], str]):
    """ACT on the conversation, then flash DONE (or what DONE says of the conversation after)."""
    conversation = party_conversation(conversation_id)
    try:
        act(conversation)
    except DomainError as error:
        return refused(
            error,
            lambda status: redirect(url_for("chat.conversation", conversation_id=conversation_id)),
        )
    db.session.commit()
    flash(done(conversation) if callable(done) else done, "success")
    return redirect(url_for("chat.conversation", conversation_id=conversation_id))


@bp.route("/conversations/<id:conversation_id>/share-resume", methods=["POST"])
@roles_required(Role.SEEKER)
def share_resume(conversation_id: int):
    resume = default_resume(current_user)
    if resume is None:
        flash(_("Write your résumé first."), "error")
        return redirect(url_for("resumes.edit"))
    return _action(
        conversation_id,
        lambda c: service.share_resume(c, current_user, resume),
        _("Your résumé was shared."),
    )


@bp.route("/conversations/<id:conversation_id>/contact", methods=["POST"])
@login_required
def share_contact(conversation_id: int):
    return _action(
        conversation_id,
        lambda c: service.agree_to_share_contact(c, current_user, request.form.get("wechat", "")),
        _("You agreed to exchange phone and WeChat."),
    )


@bp.route("/conversations/<id:conversation_id>/block", methods=["POST"])
@login_required
def block(conversation_id: int):
    return _action(
        conversation_id, lambda c: service.block(c, current_user), _("Conversation blocked.")
    )


@bp.route("/conversations/<id:conversation_id>/unblock", methods=["POST"])
@login_required
def unblock(conversation_id: int):
    return _action(conversation_id, lambda c: service.unblock(c, current_user), _unblocked)


def _unblocked(conversation: Conversation) -> str:
    if conversation.blocked:
        return _(
            "Your block is lifted. The other side's block stands: the conversation stays "
            "blocked until they lift it."
        )
    return _("Conversation unblocked.")


@bp.route("/conversations/<id:conversation_id>/report", methods=["POST"])
@login_required
@limiter.limit("10 per hour", key_func=per_account)
def report(conversation_id: int):
    return _action(
        conversation_id,
        lambda c: service.report(c, current_user, request.form.get("reason", "")),
        _("Reported to the officials of the region. The conversation is blocked."),
    )


@bp.route("/jobs/<id:job_id>/conversation", methods=["POST"])
@roles_required(Role.SEEKER)
def start_from_job(job_id: int):
    """The candidate's "沟通" button on a job page."""
    job = db.session.get(Job, job_id)
    if job is None or not job.is_public:
        abort(404)
    conversation, _created = service.open_for_job(current_user, job)
    db.session.commit()
    return redirect(url_for("chat.conversation", conversation_id=conversation.id))


@bp.route("/applications/<id:application_id>/conversation", methods=["POST"])
@roles_required(Role.EMPLOYER)
def start_from_application(application_id: int):
    application = member_application(application_id)
    conversation, _created = service.open_for_application(current_user, application)
    db.session.commit()
    return redirect(url_for("chat.conversation", conversation_id=conversation.id))


@bp.route("/invitations/<id:invitation_id>/conversation", methods=["POST"])
@roles_required(Role.EMPLOYER)
def start_from_invitation(invitation_id: int):
    """The employer's "Chat" on a candidate they invited (people to invite, the résumé)."""
    invitation = db.get_or_404(Invitation, invitation_id)
    member_job(invitation.job_id)  # 404 unless the job is the member's company's
    conversation, _created = service.open_for_invitation(current_user, invitation)
    db.session.commit()
    return redirect(url_for("chat.conversation", conversation_id=conversation.id))


@bp.route("/officials/conversations")
@roles_required(*OFFICIALS)
def reported():
    """Conversations reported to the official's region (only those)."""
    conversations = db.session.scalars(
        select(Conversation)
        .where(service.reported_in(scope_code()))
        .order_by(Conversation.reported_at.desc())
        .limit(200)
    ).all()
    return render_template("chat/reported.html", conversations=conversations)
