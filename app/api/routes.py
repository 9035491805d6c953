from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import text

from ..extensions import db
from . import bp
from .auth import token_required


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


@bp.get("/me")
@token_required
def me():
    user = g.api_user
    return jsonify(
        {"id": user.id, "email": user.email, "name": user.name, "role": str(user.role),
         "region_code": user.region_code}
    )
