"""Applying for jobs, the employer's applicant pipeline, and invitations to apply."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from app.applications import routes  # noqa: E402,F401
