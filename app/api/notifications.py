"""/notifications: the caller's own, newest first, and marking them read."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select, update

from app.api import bp
from app.api import definitions as d
from app.api.auth import token_required
from app.api.http import ApiError, get_or_404, json_body, query
from app.api.jobs import stamp
from app.api.openapi import endpoint
from app.api.pagination import keyset_page
from app.extensions import db
from app.models import Notification, utcnow
from app.notifications.service import render


def dump_notification(item: Notification) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "text": render(item),
        "params": item.params or {},
        "link": item.link or "",
        "created_at": stamp(item.created_at),
        "read_at": stamp(item.read_at),
    }


@endpoint(
    bp,
    "/notifications",
    "GET",
    "Your notifications, newest first",
    "notifications",
    query=d.NotificationQuery,
    responses={200: d.NotificationPage},
)
@token_required
def list_notifications():
    args = query(d.NotificationQuery)
    stmt = select(Notification).where(Notification.user_id == g.api_user.id)
    if args.get("unread") is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif args.get("unread") is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    return jsonify(keyset_page(stmt, Notification, args, dump_notification))


@endpoint(
    bp,
    "/notifications/read",
    "POST",
    "Mark notifications read (the listed ids, or all)",
    "notifications",
    body=d.MarkRead,
    body_required=False,
    responses={200: d.Marked},
)
@token_required
def mark_read():
    data = json_body(d.MarkRead, required=False)
    stmt = (
        update(Notification)
        .where(Notification.user_id == g.api_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if "ids" in data:
        stmt = stmt.where(Notification.id.in_(data["ids"] or [0]))
    marked = db.session.execute(stmt).rowcount
    db.session.commit()
    return jsonify({"marked": marked})


@endpoint(
    bp,
    "/notifications/<int:notification_id>/read",
    "POST",
    "Mark one notification read",
    "notifications",
    responses={200: d.Notification},
)
@token_required
def mark_one_read(notification_id: int):
    item = get_or_404(Notification, notification_id)
    if item.user_id != g.api_user.id:
        raise ApiError(404)
    item.read_at = item.read_at or utcnow()
    db.session.commit()
    return jsonify(dump_notification(item))
