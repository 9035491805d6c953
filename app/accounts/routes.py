"""Registration, log-in, e-mail confirmation and password reset.

Messages never reveal whether an address has an account (log-in failures and reset
requests answer the same either way), and every entry point is rate limited.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select

from app import audit, remember_language
from app.accounts.forms import ForgotForm, LoginForm, RegisterForm, ResetForm, TokenForm
from app.accounts.service import (
    AccountError,
    TokenLimitError,
    active_token_count,
    create_api_token,
    create_user,
    reset_password,
    revoke,
    tell_tokens_revoked,
    user_tokens,
)
from app.database import writes
from app.errors import refused
from app.extensions import db, limiter
from app.models import ApiToken, Role, User, utcnow
from app.notifications.mail import send_email
from app.privacy.export import revoke_exports
from app.privacy.service import accept_notice
from app.security import (
    check_password,
    hash_password,
    make_link_token,
    read_link_token,
    same_site,
    sign_in,
    sign_out,
    sign_out_everywhere,
)
from app.templating import current_locale, join_sentences

bp = Blueprint("accounts", __name__)


AUTH_LIMIT = "10 per minute;50 per hour"
ACCOUNT_LIMIT = "20 per 15 minutes"


def send_confirmation(user: User) -> None:
    token = make_link_token("confirm", user)
    send_email(
        user.email,
        _l("Confirm your Yunpin account"),
        "confirm",
        locale=user.locale,
        user=user,
        link=url_for("accounts.confirm", token=token, _external=True),
    )


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register():
    """The answer is the same whether the address has an account or not (a mail tells its
    owner), so registering cannot be used to find out who has one."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        owner = db.session.scalar(select(User).where(User.email == email))
        if owner is None:
            try:
                user = create_user(form.name.data, email, form.password.data, Role(form.role.data))
                accept_notice(user, via="register")
                send_confirmation(user)
            except AccountError:  # registered a moment ago by a parallel request
                db.session.rollback()
                owner = db.session.scalar(select(User).where(User.email == email))
        if owner is not None:
            hash_password(form.password.data)  # as much work as a new account: time tells nothing
            if owner.active:
                tell_registered(owner)
        db.session.commit()
        flash(
            _(
                "We sent a message to %(email)s. Follow its link to confirm the address, "
                "then log in.",
                email=email,
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return register_page(form, 422 if form.is_submitted() else 200)


def tell_registered(owner: User) -> None:
    """Someone registered with OWNER's address: tell the owner, with a way back in."""
    send_email(
        owner.email,
        _l("You already have a Yunpin account"),
        "registered",
        locale=owner.locale,
        user=owner,
        login=url_for("accounts.login", _external=True),
        reset=url_for("accounts.reset", token=make_link_token("reset", owner), _external=True),
    )


def register_page(form: RegisterForm, status: int):
    return render_template("accounts/register.html", form=form), status


def account_key() -> str:
    """Login attempts counted per account as well as per address: many addresses guessing
    one account's password are throttled too."""
    return "login:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if not check_password(user, form.password.data) or not user.active:
            flash(_("Wrong email or password."), "error")
            return render_template("accounts/login.html", form=form), 401
        user.last_login_at = utcnow()
        sign_in(user, remember=form.remember.data)
        db.session.commit()
        return redirect(same_site(request.args.get("next"), url_for("home.index")))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/auth/logout", methods=["POST"])
def logout():
    """The language read until now stays: it was chosen, here or in the account's settings,
    and the session that held it ends."""
    language = current_locale()
    sign_out()
    db.session.commit()
    flash(_("You have logged out."), "info")
    return remember_language(redirect(url_for("home.index")), language)


@bp.route("/auth/confirm/<token>")
@writes
@limiter.limit(AUTH_LIMIT)
def confirm(token: str):
    """The one GET that writes: a mail client can only follow the link, and following it is
    the proof. It is idempotent (a second visit changes nothing)."""
    user = read_link_token("confirm", token, current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("user.confirm", user, actor=user)
        db.session.commit()
    flash(_("Your email address is confirmed."), "success")
    return redirect(url_for("home.index"))


@bp.route("/auth/confirm", methods=["POST"])
@login_required
@limiter.limit("3 per hour")
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        send_confirmation(current_user)
        db.session.commit()
    flash(_("We sent a new confirmation link."), "info")
    return redirect(url_for("home.index"))


@bp.route("/auth/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.active:
            send_email(
                user.email,
                _l("Reset your Yunpin password"),
                "reset",
                locale=user.locale,
                user=user,
                link=url_for(
                    "accounts.reset", token=make_link_token("reset", user), _external=True
                ),
            )
            db.session.commit()
        flash(_("If that address has an account, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset(token: str):
    user = read_link_token("reset", token, current_app.config["TOKEN_MAX_AGE_RESET"])
    form = ResetForm()
    if form.validate_on_submit():
        revoked = reset_password(user, form.password.data)  # LinkError: used meanwhile
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        tell_tokens_revoked(revoked)
        return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset.html", form=form), status


def settings_page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template(
        "accounts/settings.html",
        form=form,
        tokens=user_tokens(current_user),
        new_token=new_token,
        revoke_form=FlaskForm(),
    ), status


@bp.route("/settings")
@login_required
def settings():
    return settings_page(TokenForm())


@bp.route("/settings/sign-out-others", methods=["POST"])
@login_required
def sign_out_others():
    """End every sign-in of this account but this browser's, and its export links.

    API tokens are separate credentials, each revoked on its own (as on GitHub or Google):
    a program's token is not a device's sign-in. Whoever pressed this after losing a phone
    may expect more, so the result says which tokens still work and links to revoking them.
    """
    user = current_user._get_current_object()
    ended = sign_out_everywhere(user, keep_current=True)
    revoke_exports(user, reason="user.sign_out_others")
    audit.record("user.sign_out_others", user, actor=user, ended=ended)
    db.session.commit()
    flash(signed_out_message(ended, active_token_count(user)), "success")
    return redirect(url_for("privacy.security"), 303)  # the page of the button


def signed_out_message(ended: int, tokens: int) -> str:
    """How many sign-ins ENDED, and that the TOKENS still unrevoked keep working."""
    if ended:
        message = ngettext(
            "Signed out on %(num)d other device.", "Signed out on %(num)d other devices.", ended
        )
    else:
        message = _("No other device was signed in.")
    if not tokens:
        return message
    still_working = ngettext(
        "Your API token still works: programs using it stay signed in.",
        "Your %(num)d API tokens still work: programs using them stay signed in.",
        tokens,
    )
    link = Markup('<a href="{}">{}</a>').format(
        url_for("accounts.settings", _anchor="api-tokens"), _("Revoke API tokens")
    )
    return Markup(join_sentences([escape(message), escape(still_working), link]))


@bp.route("/settings/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return settings_page(form, status=422)
    try:
        secret = create_api_token(current_user, form.name.data.strip())
    except TokenLimitError as error:
        return refused(error, lambda status: settings_page(form, status=status))
    db.session.flush()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    audit.record("api_token.create", token, via="settings")
    db.session.commit()
    return settings_page(TokenForm(formdata=None), new_token=secret, status=201)


@bp.route("/settings/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id) if token_id < 2**31 else None
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke(token)
    audit.record("api_token.revoke", token, via="settings")
    db.session.commit()
    flash(_("Token revoked. Programs using it can no longer sign in."), "success")
    return redirect(url_for("accounts.settings"), 303)
