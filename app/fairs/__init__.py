"""Online job fairs as candidates and employers see them."""

from flask import Blueprint

bp = Blueprint("fairs", __name__)

from . import routes  # noqa: E402,F401
