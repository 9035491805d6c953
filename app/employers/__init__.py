from flask import Blueprint

bp = Blueprint("employers", __name__)

from app.employers import job_routes, resumption, routes  # noqa: E402,F401  (routes attach themselves to bp)
