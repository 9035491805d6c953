from flask import Blueprint

bp = Blueprint("officials", __name__)

from app.officials import reviews, routes, templating  # noqa: E402,F401
