"""/api/v1/webhooks: an employer's webhooks (owner only) and their delivery logs."""

from __future__ import annotations

from flask import abort, g
from marshmallow import fields

from app.api.auth import member_employer, role_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Listing, Stamp, Text, Whole
from app.api.schemas import Schema
from app.extensions import db
from app.models import DeliveryStatus, Role, Webhook
from app.webhooks import service

blp = Blueprint(
    "webhooks",
    __name__,
    description=(
        "Your company's webhooks. Each delivery is a JSON POST with `Yunpin-Event: <event>` and "
        '`Yunpin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; '
        "failed deliveries are retried with back-off."
    ),
)


class WebhookSchema(Schema):
    id = Whole(1, dump_only=True)
    url = Text(500, min_length=1, required=True)
    events = Listing(
        Choice(service.EVENTS), max_items=len(service.EVENTS), min_items=1, required=True
    )
    created_at = Stamp()


class NewWebhookSchema(WebhookSchema):
    """A webhook just created: its secret is shown here (and on rotation)."""

    secret = Text(80, dump_only=True)

    class Meta:
        fields = ("id", "url", "events", "secret")


class WebhookListSchema(Schema):
    items = Listing(fields.Nested(WebhookSchema), max_items=service.MAX_HOOKS, required=True)


class DeliverySchema(Schema):
    id = Whole(1)
    event = Text(60)
    status = Choice(DeliveryStatus)
    attempts = Whole(0)
    response_status = Whole(0, allow_none=True)
    error = Text(300)
    created_at = Stamp()
    last_attempt_at = Stamp(allow_none=True)
    delivered_at = Stamp(allow_none=True)


class DeliveryListSchema(Schema):
    items = Listing(fields.Nested(DeliverySchema), max_items=100, required=True)


class SecretSchema(Schema):
    id = Whole(1)
    secret = Text(80)


def own_hook(webhook_id: int) -> Webhook:
    employer = member_employer(owner_only=True)
    hook = db.session.get(Webhook, webhook_id)
    if hook is None or hook.employer_id != employer.id or hook.deleted_at is not None:
        abort(404)
    return hook


@blp.route("/webhooks", methods=["POST"])
@role_required(Role.EMPLOYER)
@blp.body(WebhookSchema)
@blp.response(201, NewWebhookSchema)
def create_webhook(data: dict):
    """Register a URL for events (owner only); the secret is in this response"""
    employer = member_employer(owner_only=True)
    hook = service.create(employer, data["url"], list(data["events"]), g.api_user)
    db.session.commit()
    return hook


@blp.route("/webhooks")
@role_required(Role.EMPLOYER)
@blp.response(200, WebhookListSchema)
def list_webhooks():
    """Your company's webhooks (owner only; secrets are not listed)"""
    return {"items": service.active_hooks(member_employer(owner_only=True).id)}


@blp.route("/webhooks/<id:webhook_id>", methods=["DELETE"])
@role_required(Role.EMPLOYER)
@blp.response(204)
def delete_webhook(webhook_id: int):
    """Stop sending to a webhook"""
    service.remove(own_hook(webhook_id), g.api_user)
    db.session.commit()


@blp.route("/webhooks/<id:webhook_id>/secret", methods=["POST"])
@role_required(Role.EMPLOYER)
@blp.response(200, SecretSchema)
def rotate_secret(webhook_id: int):
    """Replace a webhook's secret; the new one is in this response"""
    hook = own_hook(webhook_id)
    secret = service.rotate(hook, g.api_user)
    db.session.commit()
    return {"id": hook.id, "secret": secret}


@blp.route("/webhooks/<id:webhook_id>/deliveries")
@role_required(Role.EMPLOYER)
@blp.response(200, DeliveryListSchema)
def list_deliveries(webhook_id: int):
    """The latest 100 deliveries of a webhook, newest first"""
    return {"items": service.deliveries(own_hook(webhook_id))}
