from flask import Blueprint

bp = Blueprint("employers", __name__)

from . import job_routes, routes  # noqa: E402,F401
from . import resumption  # noqa: E402,F401
