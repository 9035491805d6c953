from flask import Blueprint

bp = Blueprint("officials", __name__)

from . import reviews, routes, templating  # noqa: E402,F401
