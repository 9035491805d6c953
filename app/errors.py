"""Errors: the one domain error type, and the responses for people and for the API.

Every rule that refuses raises a `DomainError` subclass with a message in the user's
language and an HTTP status. Pages catch it with `refused()` (roll back, flash, re-render);
anything not caught becomes an error page or, under /api/, application/problem+json.
Every 4xx says what was wrong in the user's language. A 500 rolls the transaction back so
nothing half-written stays behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, current_app, flash, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class DomainError(Exception):
    """A rule said no. MESSAGE is shown to the user as it is (translate it when raising);
    STATUS is the HTTP answer: 409 for a conflict with the current state, 422 for input
    that breaks a rule, 403 for an actor who may not, 404 for something not there."""

    status = 409

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


def refused(error: DomainError, page: Callable[[int], ResponseReturnValue]) -> ResponseReturnValue:
    """The page's answer to a refused action: nothing half-done stays behind, the message is
    flashed, and PAGE (given the status) renders the form again."""
    db.session.rollback()
    flash(str(error.message), "error")
    return page(error.status)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/video/rooms/")


def problem(status: int, title: str, detail: str = "", **extra) -> tuple:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in to continue."),
        403: _("You do not have permission to do that."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        409: _("That conflicts with the current state."),
        413: _("The file is too large (the limit is 10 MB)."),
        415: _("That file type is not supported."),
        422: _("Some fields need your attention."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def handle_http(error: HTTPException):
    status = error.code or 500
    text = messages().get(status, error.name)
    detail = error.description if isinstance(error.description, str) else ""
    # Werkzeug's default English descriptions are replaced by ours; custom ones are kept.
    default = type(error).description
    if detail == default or status == 429:
        detail = ""  # flask-limiter's description is the limit itself ("50 per 1 hour"), in English
    if wants_problem_json():
        return problem(status, text, detail)
    return render_template("errors/error.html", status=status, title=text, detail=detail), status


def handle_csrf(error: CSRFError):
    text = _(
        "Your form expired or was sent from another site. Please reload the page and try again."
    )
    if wants_problem_json():
        return problem(400, text)
    return render_template("errors/error.html", status=400, title=text, detail=""), 400


def handle_domain(error: DomainError):
    """A refusal no page caught: the same status and message, as a page or problem+json."""
    db.session.rollback()
    title = messages().get(error.status, str(error.message))
    if wants_problem_json():
        return problem(error.status, title, str(error.message))
    page = render_template(
        "errors/error.html", status=error.status, title=title, detail=str(error.message)
    )
    return page, error.status


def handle_unexpected(error: Exception):
    """A bug: nothing half-written stays, the traceback goes to the log under a short id, and
    the person sees that id so a report can be matched to the log line."""
    db.session.rollback()
    incident = secrets.token_hex(6)
    current_app.logger.error(
        "unexpected error %s on %s %s", incident, request.method, request.path, exc_info=error
    )
    text = messages()[500]
    detail = _("Error reference: %(incident)s", incident=incident)
    if wants_problem_json():
        return problem(500, text, detail, incident=incident)
    page = render_template("errors/error.html", status=500, title=text, detail=detail)
    return page, 500


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
