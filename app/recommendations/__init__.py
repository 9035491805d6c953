"""Recommendations: "Recommended for you" for candidates, "people to invite" for employers.

Both come from the one ranking in app.ranking; this package stores what ranking derives
(embeddings, cached lists) and serves the pages.
"""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)

from app.recommendations import routes  # noqa: E402,F401
