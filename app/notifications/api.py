"""/api/v1/notifications: the caller's own, newest first, and marking them read."""

from __future__ import annotations

from flask import abort, g
from marshmallow import fields
from sqlalchemy import select

from app.api.auth import token_required
from app.api.blueprint import Blueprint
from app.api.fields import Listing, QueryFlag, Stamp, Text, Whole
from app.api.pagination import KeysetQuery, keyset_page, page_of
from app.api.schemas import Schema
from app.extensions import db
from app.models import Notification, utcnow
from app.notifications.service import mark_all_read, render

blp = Blueprint("notifications", __name__, description="Your notifications.")


class NotificationSchema(Schema):
    id = Whole(1, dump_only=True)
    kind = Text(40, dump_only=True)
    text = fields.Function(render, metadata={"type": "string", "maxLength": 5000})
    params = fields.Dict(dump_only=True)
    link = Text(300, dump_only=True)
    created_at = Stamp()
    read_at = Stamp(allow_none=True)


class NotificationQuery(KeysetQuery):
    unread = QueryFlag()


class MarkReadSchema(Schema):
    ids = Listing(
        Whole(1),
        max_items=500,
        metadata={"description": "Omit to mark every notification read."},
    )


class MarkedSchema(Schema):
    marked = Whole(0, required=True)


NotificationPageSchema = page_of(NotificationSchema)


@blp.route("/notifications")
@token_required
@blp.query(NotificationQuery)
@blp.response(200, NotificationPageSchema)
def list_notifications(args: dict):
    """Your notifications, newest first"""
    stmt = select(Notification).where(Notification.user_id == g.api_user.id)
    if "unread" in args:
        read = (
            Notification.read_at.is_(None) if args["unread"] else Notification.read_at.is_not(None)
        )
        stmt = stmt.where(read)
    return keyset_page(stmt, Notification, args)


@blp.route("/notifications/read", methods=["POST"])
@token_required
@blp.body(MarkReadSchema, required=False)
@blp.response(200, MarkedSchema)
def mark_read(data: dict):
    """Mark notifications read (the listed ids, or all)"""
    marked = mark_all_read(g.api_user, data.get("ids"))
    db.session.commit()
    return {"marked": marked}


@blp.route("/notifications/<id:notification_id>/read", methods=["POST"])
@token_required
@blp.response(200, NotificationSchema)
def mark_one_read(notification_id: int):
    """Mark one notification read"""
    item = db.get_or_404(Notification, notification_id)
    if item.user_id != g.api_user.id:
        abort(404)
    item.read_at = item.read_at or utcnow()
    db.session.commit()
    return item
