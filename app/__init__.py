"""The Yunpin web application: ``create_app()`` builds it; importing this has no side effects."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request, session
from flask_login import current_user

from app import changes, database, queue, redis_store  # noqa: F401  (database registers SQLite pragmas)
from app.config import build_config
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with CONFIG (tests) overriding individual keys."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("YUNPIN_INSTANCE")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path))
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    redis_store.init_app(app)
    queue.init_app(app)
    changes.init_app(app)

    from app import errors, security, templating

    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.applications import bp as applications_bp
    from app.auth import bp as auth_bp
    from app.dev import bp as dev_bp
    from app.employers import bp as employers_bp
    from app.fairs import bp as fairs_bp
    from app.jobs import bp as jobs_bp
    from app.main import bp as main_bp
    from app.officials import bp as officials_bp
    from app.recommendations import bp as recommendations_bp
    from app.regions.views import bp as regions_bp
    from app.resumes import bp as resumes_bp
    from app.subsidies import bp as subsidies_bp
    from app.video import bp as video_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(jobs_bp, url_prefix="/jobs")
    app.register_blueprint(resumes_bp, url_prefix="/resumes")
    app.register_blueprint(employers_bp, url_prefix="/employers")
    app.register_blueprint(officials_bp, url_prefix="/officials")
    app.register_blueprint(fairs_bp, url_prefix="/fairs")
    app.register_blueprint(subsidies_bp, url_prefix="/subsidies")
    app.register_blueprint(applications_bp, url_prefix="/applications")
    app.register_blueprint(recommendations_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(regions_bp, url_prefix="/regions")
    app.register_blueprint(dev_bp, url_prefix="/dev")
    app.register_blueprint(video_bp, url_prefix="/video")


def select_locale() -> str:
    """Explicit choice, then the account's setting, then the browser; Chinese by default."""
    from flask import current_app

    languages = list(current_app.config["LANGUAGES"])
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages, default="zh")


def select_timezone() -> str | None:
    if current_user.is_authenticated:
        return current_user.timezone
    return None
