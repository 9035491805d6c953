"""The user's settings page: API tokens for /api/v1, created (shown once) and revoked here.

Tokens are checked by app.api.auth, which also lists and revokes them for the API, so the
page and the API change tokens the same way.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app import audit
from app.api.auth import revoke, user_tokens
from app.extensions import db
from app.main import bp
from app.models import ApiToken
from app.tokens import create_api_token


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name (e.g. the program that uses it)"),
        validators=[DataRequired(), Length(max=80)],
    )


def settings_page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template(
        "main/settings.html",
        form=form,
        tokens=user_tokens(current_user),
        new_token=new_token,
        revoke_form=FlaskForm(),
    ), status


@bp.route("/settings")
@login_required
def settings():
    return settings_page(TokenForm())


@bp.route("/settings/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return settings_page(form, status=422)
    secret = create_api_token(current_user, form.name.data.strip())
    db.session.flush()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    audit.record("api_token.create", token, via="settings")
    db.session.commit()
    return settings_page(TokenForm(formdata=None), new_token=secret, status=201)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
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
    return redirect(url_for("main.settings"), 303)
