"""Registration, log-in, e-mail confirmation and password reset.

Messages never reveal whether an address has an account (log-in failures and reset
requests answer the same either way), and every entry point is rate limited.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth import bp
from app.auth.forms import ForgotForm, LoginForm, RegisterForm, ResetForm
from app.extensions import db, limiter
from app.mail import send_email
from app.models import Role, User, utcnow
from app.security import LinkError, check_password, hash_password, make_link_token, read_link_token

AUTH_LIMIT = "10 per minute;50 per hour"


def safe_next(default: str) -> str:
    """Only same-site relative redirects after log-in, never an open redirect."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def send_confirmation(user: User) -> None:
    token = make_link_token("confirm", user)
    send_email(
        user.email,
        _l("Confirm your Yunpin account"),
        "confirm",
        locale=user.locale,
        user=user,
        link=url_for("auth.confirm", token=token, _external=True),
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = User(
            name=form.name.data.strip(),
            email=email,
            password_hash=hash_password(form.password.data),
            role=Role(form.role.data),
            locale=str(request.accept_languages.best_match(["zh", "en"], default="zh")),
        )
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.email.errors.append(_("An account with this email already exists."))
            return render_template("auth/register.html", form=form), 422
        audit.record("user.register", user, actor=user)
        send_confirmation(user)
        db.session.commit()
        login_user(user)
        flash(_("Welcome! We sent a confirmation link to %(email)s.", email=email), "success")
        if user.role == Role.EMPLOYER:
            return redirect(url_for("employers.create"))
        return redirect(url_for("resumes.edit"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or not check_password(user, form.password.data) or not user.active:
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 401
        user.last_login_at = utcnow()
        db.session.commit()
        login_user(user, remember=form.remember.data)
        return redirect(safe_next(url_for("main.index")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/confirm/<token>")
@limiter.limit(AUTH_LIMIT)
def confirm(token: str):
    try:
        user = read_link_token("confirm", token, current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    except LinkError as error:
        message = (
            _("This confirmation link has expired. Log in to get a new one.")
            if error.expired
            else _("This confirmation link is not valid.")
        )
        return render_template("errors/error.html", status=400, title=message, detail=""), 400
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("user.confirm", user, actor=user)
        db.session.commit()
    flash(_("Your email address is confirmed."), "success")
    return redirect(url_for("main.index"))


@bp.route("/confirm", methods=["POST"])
@login_required
@limiter.limit("3 per hour")
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        send_confirmation(current_user)
        db.session.commit()
    flash(_("We sent a new confirmation link."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
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
                link=url_for("auth.reset", token=make_link_token("reset", user), _external=True),
            )
            db.session.commit()
        flash(_("If that address has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset(token: str):
    try:
        user = read_link_token("reset", token, current_app.config["TOKEN_MAX_AGE_RESET"])
    except LinkError as error:
        message = (
            _("This reset link has expired. Ask for a new one.")
            if error.expired
            else _("This reset link is not valid or was already used.")
        )
        return render_template("errors/error.html", status=400, title=message, detail=""), 400
    form = ResetForm()
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        # Following the link proves the address, too.
        user.email_confirmed_at = user.email_confirmed_at or utcnow()
        audit.record("user.password_reset", user, actor=user)
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form), status
