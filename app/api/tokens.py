"""/tokens: list, create and revoke your own API tokens (the settings page does the same)."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from app import audit
from app.accounts.service import create_api_token
from app.api import bp
from app.api import definitions as d
from app.api.auth import revoke, token_required, user_tokens
from app.api.http import ApiError, get_or_404, json_body
from app.api.jobs import stamp
from app.api.openapi import endpoint
from app.extensions import db
from app.models import ApiToken


def dump_token(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": stamp(token.created_at),
        "last_used_at": stamp(token.last_used_at),
        "revoked_at": stamp(token.revoked_at),
    }


@endpoint(bp, "/me", "GET", "Who the token belongs to", "tokens", responses={200: d.Me})
@token_required
def me():
    user = g.api_user
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "region_code": user.region_code,
            "employer_id": user.membership.employer_id if user.membership else None,
        }
    )


@endpoint(
    bp,
    "/tokens",
    "GET",
    "Your API tokens (never their secrets)",
    "tokens",
    responses={200: d.TokenList},
)
@token_required
def list_tokens():
    return jsonify({"items": [dump_token(t) for t in user_tokens(g.api_user)]})


@endpoint(
    bp,
    "/tokens",
    "POST",
    "Create a token; its secret is in this response only",
    "tokens",
    body=d.TokenInput,
    responses={201: d.NewToken},
)
@token_required
def create_token():
    data = json_body(d.TokenInput)
    secret = create_api_token(g.api_user, data["name"])
    db.session.flush()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    audit.record("api_token.create", token, actor=g.api_user, via="api")
    db.session.commit()
    return jsonify({"id": token.id, "name": token.name, "token": secret}), 201


@endpoint(
    bp,
    "/tokens/<int:token_id>",
    "DELETE",
    "Revoke one of your tokens",
    "tokens",
    responses={204: None},
)
@token_required
def revoke_token(token_id: int):
    token = get_or_404(ApiToken, token_id)
    if token.user_id != g.api_user.id:
        raise ApiError(404)
    revoke(token)
    audit.record("api_token.revoke", token, actor=g.api_user, via="api")
    db.session.commit()
    return "", 204
