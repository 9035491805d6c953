"""The Yunpin web application: ``create_app()`` builds it; importing this has no side effects."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import batching, changes, database, queue, redis_store  # noqa: F401  (database registers SQLite pragmas)
from app.config import build_config
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

FEATURES = (
    "home",
    "accounts",
    "notifications",
    "employers",
    "jobs",
    "resumes",
    "applications",
    "chat",
    "alerts",
    "ranking",
    "interviews",
    "identity",
    "media",
    "broadcasts",
    "fairs",
    "subsidies",
    "cooperation",
    "resumption",
    "dashboards",
    "regions",
    "opendata",
    "webhooks",
    "privacy",
    "admin",
    "occupations",
    "dev",
)

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with CONFIG (tests) overriding individual keys."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("YUNPIN_INSTANCE")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path))
    if config:
        app.config.from_mapping(config)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        database.pool_options(
            app.config["SQLALCHEMY_DATABASE_URI"], app.config["DATABASE_POOL_SIZE"]
        ),
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please log in to see this page.")
    redis_store.init_app(app)
    queue.init_app(app)
    batching.init_app(app)
    changes.init_app(app)

    from app import errors, forms, routing, security, templating

    errors.init_app(app)
    forms.init_app(app)
    routing.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Each feature's pages are one blueprint in ``app/<feature>/routes.py``; routes carry
    their full paths, so the URL in a decorator is the URL in the browser."""
    from importlib import import_module

    for feature in FEATURES:
        app.register_blueprint(import_module(f"app.{feature}.routes").bp)
    from app import api

    api.init_app(app)


LANGUAGE_COOKIE = "lang"
"""The language this browser chose, kept a year beside the session (as the big sites keep
theirs): signing out ends the session, not the choice."""

LANGUAGE_COOKIE_DAYS = 365


def select_locale() -> str | None:
    """The choice made in this session, then the account's setting (which a choice made while
    signed in also sets), then this browser's last choice (its cookie: signed out, or on a
    shared computer before the next person signs in), then the browser's languages; Chinese
    by default. A program calling the API with a token says its language in Accept-Language,
    else it gets its account's. Outside a request (a worker's job, a command) there is nobody
    to ask: the default."""
    from flask import current_app

    if not has_request_context():
        return None
    languages = list(current_app.config["LANGUAGES"])
    if (caller := g.get("api_user")) is not None and "Accept-Language" not in request.headers:
        return caller.locale if caller.locale in languages else "zh"
    account = current_user.locale if current_user.is_authenticated else None
    for chosen in (session.get("lang"), account, request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in languages:
            return chosen
    return request.accept_languages.best_match(languages, default="zh")


def remember_language(response: Response, lang: str) -> Response:
    """Keep LANG as this browser's choice, for visitors and across sign-outs."""
    from flask import current_app

    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.timezone
    return None
