from flask import Blueprint

bp = Blueprint("resumes", __name__)

from . import routes  # noqa: E402,F401
