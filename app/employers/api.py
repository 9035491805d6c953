"""/api/v1/employers: the public company profile, and the owner's own profile edits.

As on the profile page, an employer not yet verified is visible only to its members and
to the officials whose region covers it; anyone else gets 404.
"""

from __future__ import annotations

from flask import abort, g
from marshmallow import ValidationError, post_dump

from app import audit
from app.access import covers_region, works_for
from app.api.auth import member_employer, role_required, token_optional
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Flag, RegionCode, Stamp, Text, Whole
from app.api.schemas import Schema
from app.employers import review, websites
from app.extensions import db
from app.models import CompanySize, Employer, Industry, Role, VerificationState

blp = Blueprint("employers", __name__, description="Company profiles.")


class Website(Text):
    """A website as the profile form reads it ("example.com" is https://example.com); blank
    removes it."""

    def __init__(self):
        super().__init__(websites.MAX_LENGTH, allow_none=True, metadata={"example": "example.com"})

    def _deserialize(self, value, attr, data, **kwargs) -> str | None:
        typed = super()._deserialize(value, attr, data, **kwargs)
        if not typed:
            return None
        try:
            return websites.read(typed)
        except websites.Refused as refusal:
            raise ValidationError(str(refusal)) from None


class EmployerSchema(Schema):
    id = Whole(1, dump_only=True)
    name = Text(120, min_length=1)
    industry = Choice(Industry)
    size = Choice(CompanySize)
    region_code = RegionCode()
    address = Text(200)
    description = Text(5000)
    website = Website()
    verified = Flag(dump_only=True)
    approved_on_commitment = Flag(
        dump_only=True,
        metadata={
            "description": "Verified on its written commitment (fast track); officials have "
            "not checked its documents yet."
        },
    )
    verification_state = Choice(VerificationState, dump_only=True)
    created_at = Stamp()

    @post_dump
    def no_blank_website(self, data: dict, **kwargs) -> dict:
        data["website"] = data["website"] or None
        return data


@blp.route("/employers/me")
@role_required(Role.EMPLOYER)
@blp.response(200, EmployerSchema)
def my_employer():
    """Your company's profile"""
    return member_employer()


@blp.route("/employers/me", methods=["PATCH"])
@role_required(Role.EMPLOYER)
@blp.body(EmployerSchema)
@blp.response(200, EmployerSchema)
def update_my_employer(data: dict):
    """Change your company's profile (owner only)"""
    employer = member_employer(owner_only=True)
    changed = review.identity_changes(employer, data) if employer.verified else []
    for name, value in data.items():
        setattr(employer, name, value)
    audit.record("employer.update", employer, actor=g.api_user, fields=sorted(data), via="api")
    if changed:
        review.review_again(employer, g.api_user, changed)
    db.session.commit()
    return employer


@blp.route("/employers/<id:employer_id>")
@token_optional
@blp.response(200, EmployerSchema)
def get_employer(employer_id: int):
    """A company's public profile"""
    employer = db.get_or_404(Employer, employer_id)
    user = g.api_user
    private = user is not None and (
        works_for(user, employer.id) or covers_region(user, employer.region_code)
    )
    if not employer.verified and not private:
        abort(404)
    return employer
