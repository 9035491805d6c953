"""/api/v1/me and /api/v1/tokens: who the token belongs to; list, create and revoke your own
API tokens (the settings page does the same). An account holds at most
`MAX_ACTIVE_TOKENS` unrevoked tokens, so the list is short and needs no pages."""

from __future__ import annotations

from flask import abort, g
from marshmallow import fields
from sqlalchemy import select

from app import audit
from app.accounts.service import (
    MAX_ACTIVE_TOKENS,
    REVOKED_SHOWN,
    create_api_token,
    revoke,
    user_tokens,
)
from app.api.auth import token_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Listing, Stamp, Text, Whole
from app.api.problems import refuses
from app.api.schemas import Schema
from app.extensions import db
from app.models import ApiToken, Role

blp = Blueprint("tokens", __name__, description="Who you are, and your API tokens.")


class UserSchema(Schema):
    id = Whole(1, required=True)
    email = Text(254, required=True)
    name = Text(80, required=True)
    role = Choice(Role, required=True)
    region_code = Text(12, allow_none=True, required=True)
    employer_id = Whole(
        1, allow_none=True, required=True, dump_default=None, attribute="membership.employer_id"
    )


class TokenSchema(Schema):
    id = Whole(1, dump_only=True)
    name = Text(80, min_length=1, required=True)
    token = Text(100, dump_only=True, metadata={"description": "Shown only once; store it safely."})
    created_at = Stamp()
    last_used_at = Stamp(allow_none=True)
    revoked_at = Stamp(allow_none=True)


class NewTokenSchema(TokenSchema):
    """A token just created: the only time its secret is shown."""

    class Meta:
        fields = ("id", "name", "token")


class TokenListSchema(Schema):
    items = Listing(
        fields.Nested(TokenSchema), max_items=MAX_ACTIVE_TOKENS + REVOKED_SHOWN, required=True
    )


@blp.route("/me")
@token_required
@blp.response(200, UserSchema)
def me():
    """Who the token belongs to"""
    return g.api_user


@blp.route("/tokens")
@token_required
@blp.response(200, TokenListSchema)
def list_tokens():
    """Your API tokens (never their secrets)

    The unrevoked ones and the 20 most recently revoked, newest first.
    """
    return {"items": user_tokens(g.api_user)}


@blp.route("/tokens", methods=["POST"])
@token_required
@blp.body(TokenSchema)
@blp.response(201, NewTokenSchema)
@refuses(409)
def create_token(data: dict):
    """Create a token; its secret is in this response only

    An account holds at most 20 unrevoked tokens: a 21st is refused (409) until one is
    revoked.
    """
    secret = create_api_token(g.api_user, data["name"])
    db.session.flush()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    audit.record("api_token.create", token, actor=g.api_user, via="api")
    db.session.commit()
    return {"id": token.id, "name": token.name, "token": secret}


@blp.route("/tokens/<id:token_id>", methods=["DELETE"])
@token_required
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke one of your tokens"""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != g.api_user.id:
        abort(404)
    revoke(token)
    audit.record("api_token.revoke", token, actor=g.api_user, via="api")
    db.session.commit()
