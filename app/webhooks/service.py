"""Registering webhooks, emitting events to them, and signing what is sent.

Other features call :func:`emit` inside their own transaction when something happens to an
employer's data; the deliveries are written with it and sent by a worker once it commits
(`app.queue.defer`), so no event is sent for a change that was rolled back.

Each request carries ``Yunpin-Event: <event>`` and
``Yunpin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``;
the receiver recomputes the HMAC over the exact bytes it got and refuses old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from rq import Retry

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import Employer, User, Webhook, WebhookDelivery, utcnow
from app.queue import defer

EVENTS = (
    "application.created",
    "application.stage_changed",
    "interview.scheduled",
    "conversation.message",
)

MAX_HOOKS = 10
"""Webhooks one employer may have: each event is sent to each of them."""


class WebhookError(DomainError):
    status = 422


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Yunpin-Signature header value for BODY sent at TIMESTAMP."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def private_allowed() -> bool:
    """Whether hooks may point at loopback and private addresses (and use plain http): only
    where the instance is a development one (WEBHOOKS_ALLOW_PRIVATE, app/config.py: on by
    default outside production, never in it), so a receiver on the developer's own machine
    can be tried."""
    return bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE"))


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a request to IP reaches through it: mapped, 6to4, Teredo (server and
    client), NAT64 and the old IPv4-compatible form. Python calls most of these global."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in IPV4_COMPATIBLE or any(ip in net for net in NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    if inner:
        return all(public_address(str(address)) for address in inner)
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, int, list[str]]:
    """(host, port, addresses) of URL, checked: https (http too for private development
    hooks), and every address public unless private ones are allowed. WebhookError why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookError(_l("Enter a valid URL.")) from None
    allow_private = private_allowed()
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise WebhookError(_l("The URL must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise WebhookError(_l("Enter a valid URL."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookError(_l("The URL's host name does not resolve.")) from None
    addresses = sorted({info[4][0] for info in infos})
    if not allow_private and not all(public_address(a) for a in addresses):
        raise WebhookError(_l("The URL points to a private or local address."))
    return parts.hostname, port, addresses


def clean_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise WebhookError(_l("Choose events from: %(events)s.", events=", ".join(EVENTS)))
    return [e for e in EVENTS if e in events]


def active_hooks(employer_id: int) -> list[Webhook]:
    return list(
        db.session.scalars(
            sa.select(Webhook)
            .where(Webhook.employer_id == employer_id, Webhook.deleted_at.is_(None))
            .order_by(Webhook.id)
        )
    )


def create(employer: Employer, url: str, events: list[str], actor: User) -> Webhook:
    url = url.strip()
    if len(url) > 500:
        raise WebhookError(_l("The URL is too long."))
    resolve(url)
    events = clean_events(events)
    if len(active_hooks(employer.id)) >= MAX_HOOKS:
        raise WebhookError(_l("A company can have at most %(n)s webhooks.", n=MAX_HOOKS), 409)
    hook = Webhook(
        employer_id=employer.id, url=url, events=events, secret=new_secret(), created_by_id=actor.id
    )
    db.session.add(hook)
    db.session.flush()
    audit.record("webhook.create", hook, actor=actor, url=url, events=events)
    return hook


def rotate(hook: Webhook, actor: User) -> str:
    """A new secret from now on; deliveries already queued are signed with it too."""
    hook.secret = new_secret()
    audit.record("webhook.rotate_secret", hook, actor=actor)
    return hook.secret


def remove(hook: Webhook, actor: User) -> None:
    """Stop sending to HOOK; its delivery log stays readable to the audit."""
    if hook.deleted_at is None:
        hook.deleted_at = utcnow()
        audit.record("webhook.delete", hook, actor=actor, url=hook.url)


def retry_policy() -> Retry:
    intervals = list(current_app.config["WEBHOOK_RETRY_INTERVALS"])
    return Retry(max=len(intervals), interval=intervals)


def emit(employer_id: int, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue EVENT with PAYLOAD (JSON-ready, ids rather than personal data) for every webhook
    of EMPLOYER_ID that subscribed to it. Call it inside the transaction of the change: the
    deliveries are sent once it commits and dropped if it rolls back."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    deliveries = []
    for hook in active_hooks(employer_id):
        if event not in hook.events:
            continue
        delivery = WebhookDelivery(webhook_id=hook.id, event=event, body="")
        db.session.add(delivery)
        db.session.flush()
        delivery.body = json.dumps(
            {
                "id": delivery.id,
                "event": event,
                "created_at": utcnow().isoformat() + "Z",
                "data": payload,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        defer("app.webhooks.tasks.deliver", delivery.id, retry=retry_policy(), job_timeout=60)
        deliveries.append(delivery)
    return deliveries


def deliveries(hook: Webhook, limit: int = 100) -> list[WebhookDelivery]:
    """HOOK's latest deliveries, newest first."""
    return list(
        db.session.scalars(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )
