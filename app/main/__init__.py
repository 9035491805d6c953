from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import routes, settings  # noqa: E402,F401
