"""Hiring subsidies as the employer sees them: "You are eligible for ¥N", claimed in one click."""

from flask import Blueprint

bp = Blueprint("subsidies", __name__)

from app.subsidies import routes  # noqa: E402,F401
