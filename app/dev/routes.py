"""Developer conveniences, served only by a local instance and only to this machine: the local
mail outbox, which holds confirmation and password-reset links."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from ipaddress import ip_address
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request

bp = Blueprint("dev", __name__)


@bp.before_request
def local_only():
    if not local_instance() or not from_this_machine():
        abort(404)


def local_instance() -> bool:
    """A development server, or `yunpin run` on a loopback address: never production."""
    config = current_app.config
    return (current_app.debug or config["LOCAL_INSTANCE"]) and not config["PRODUCTION"]


def from_this_machine() -> bool:
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def read_outbox(limit: int = 50) -> list[dict]:
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    messages = []
    for path in files[:limit]:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = message.get_body(preferencelist=("plain",))
        messages.append(
            {
                "to": message["To"],
                "subject": message["Subject"],
                "date": path.stat().st_mtime,
                "body": body.get_content() if body else "",
                "headers": dict(message.items()),
            }
        )
    return messages


@bp.route("/dev/outbox")
def outbox():
    return render_template("dev/outbox.html", messages=read_outbox())
