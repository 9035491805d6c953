"""/employers: the public company profile, and the owner's own profile edits.

As on the profile page, an employer not yet verified is visible only to its members and
to the officials whose region covers it; anyone else gets 404.
"""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from app import audit
from app.access import covers_region, works_for
from app.api import bp
from app.api import definitions as d
from app.api.auth import member_employer, token_optional, token_required
from app.api.http import ApiError, get_or_404, json_body
from app.api.jobs import stamp
from app.api.openapi import endpoint
from app.extensions import db
from app.models import CompanySize, Employer, Industry, Region


def dump_employer(employer: Employer) -> dict:
    return {
        "id": employer.id,
        "name": employer.name,
        "industry": employer.industry.value,
        "size": employer.size.value,
        "region_code": employer.region_code,
        "address": employer.address or "",
        "description": employer.description or "",
        "website": employer.website or None,
        "verified": employer.verified,
        "verification_state": employer.verification_state.value,
        "created_at": stamp(employer.created_at),
    }


@endpoint(
    bp,
    "/employers/me",
    "GET",
    "Your company's profile",
    "employers",
    responses={200: d.Employer},
    errors=(403,),
)
@token_required
def my_employer():
    return jsonify(dump_employer(member_employer()))


@endpoint(
    bp,
    "/employers/me",
    "PATCH",
    "Change your company's profile (owner only)",
    "employers",
    body=d.EmployerUpdate,
    responses={200: d.Employer},
    errors=(403,),
)
@token_required
def update_my_employer():
    employer = member_employer(owner_only=True)
    data = json_body(d.EmployerUpdate)
    if "region_code" in data and db.session.get(Region, data["region_code"]) is None:
        raise ApiError(
            422,
            _("Some fields are not valid."),
            errors={"region_code": [_("Choose a region from the list.")]},
        )
    for name, value in data.items():
        if name == "industry":
            value = Industry(value)
        elif name == "size":
            value = CompanySize(value)
        elif name == "website":
            value = value or None
        setattr(employer, name, value)
    audit.record("employer.update", employer, actor=g.api_user, fields=sorted(data), via="api")
    db.session.commit()
    return jsonify(dump_employer(employer))


@endpoint(
    bp,
    "/employers/<int:employer_id>",
    "GET",
    "A company's public profile",
    "employers",
    auth="optional",
    responses={200: d.Employer},
)
@token_optional
def get_employer(employer_id: int):
    employer = get_or_404(Employer, employer_id)
    user = g.api_user
    private = user is not None and (
        works_for(user, employer.id) or covers_region(user, employer.region_code)
    )
    if not employer.verified and not private:
        raise ApiError(404)
    return jsonify(dump_employer(employer))
