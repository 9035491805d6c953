"""/api/v1/me/exports and DELETE /api/v1/me: a copy of your data, and deleting your account."""

from __future__ import annotations

from flask import abort, g, request, url_for
from flask_babel import gettext as _

from app.accounts.routes import ACCOUNT_LIMIT, AUTH_LIMIT
from app.api.auth import live_token, token_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Stamp, Text, Whole
from app.api.problems import refuses
from app.api.schemas import Schema
from app.extensions import db, limiter
from app.models import DataExport, ExportStatus
from app.privacy import service
from app.security import check_password

blp = Blueprint(
    "privacy",
    __name__,
    description="Your data: an export of everything held about you, and account deletion.",
)


class ExportSchema(Schema):
    id = Whole(1, required=True)
    status = Choice(ExportStatus, required=True)


class ExportStateSchema(ExportSchema):
    download_url = Text(
        500,
        allow_none=True,
        metadata={
            "description": "A zip (JSON + your files), no token needed; it works until "
            "expires_at, or until the password changes or other devices are signed out (status "
            "revoked)."
        },
    )
    expires_at = Stamp(allow_none=True)


class DeletionRequestSchema(Schema):
    password = Text(
        128,
        min_length=1,
        strip=False,
        required=True,
        load_only=True,
        metadata={"description": "Your password, as the Settings page asks for it."},
    )


class DeletionSchema(Schema):
    delete_after = Stamp(
        required=True,
        metadata={"description": "When the account is erased unless deletion is cancelled."},
    )


@blp.route("/me/exports", methods=["POST"])
@token_required
@blp.response(202, ExportSchema)
def create_export():
    """Ask for a copy of your data; poll the export until it is ready

    While an export is being prepared, asking again returns that one. At most 5 an hour
    (those asked for in Settings count too); more answer 429.
    """
    export = service.request_export(g.api_user, via="api")
    db.session.commit()
    return export


@blp.route("/me/exports/<id:export_id>")
@token_required
@blp.response(200, ExportStateSchema)
def get_export(export_id: int):
    """Where your export stands, and its download link once ready"""
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != g.api_user.id:
        abort(404)
    ready = export.status == ExportStatus.READY and service.read_export_token(
        service.export_token(export)
    )
    return {
        "id": export.id,
        "status": export.status,
        "download_url": url_for(
            "privacy.download", token=service.export_token(export), _external=True
        )
        if ready
        else None,
        "expires_at": export.expires_at,
    }


def account_key() -> str:
    """Password attempts counted per account as well as per address, as log-ins are: a token
    can create more tokens, so a count per token would not hold a guesser back."""
    record = live_token()
    return f"password:{record.user_id}" if record else "ip:" + (request.remote_addr or "unknown")


@blp.route("/me", methods=["DELETE"])
@limiter.limit(AUTH_LIMIT, override_defaults=False)
@limiter.limit(ACCOUNT_LIMIT, key_func=account_key, override_defaults=False)
@token_required
@refuses(403)
@blp.body(DeletionRequestSchema)
@blp.response(202, DeletionSchema)
def delete_me(data: dict):
    """Delete your account: erased after the grace period, at delete_after (cancel in Settings)

    The password is asked, as in Settings: a token alone does not delete an account. A wrong
    one answers 403; attempts are limited as log-ins are.
    """
    if not check_password(g.api_user, data["password"]):
        abort(403, _("Your password is not correct."))
    service.request_deletion(g.api_user, via="api")
    db.session.commit()
    return {"delete_after": g.api_user.delete_after}
