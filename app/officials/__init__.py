from flask import Blueprint

bp = Blueprint("officials", __name__)

from . import routes  # noqa: E402,F401
