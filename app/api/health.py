"""/health: liveness for load balancers and monitors (no token; the database must answer)."""

from __future__ import annotations

from sqlalchemy import text

from app.api.blueprint import Blueprint
from app.api.fields import Text
from app.api.schemas import Schema
from app.extensions import db

blp = Blueprint("meta", __name__, description="Whether the service is up.")


class HealthSchema(Schema):
    status = Text(10, required=True)


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    """Liveness: the database answers"""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
