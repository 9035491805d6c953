"""/api/v1/resume (the caller's own) and /api/v1/resumes/<id> (someone's, as the résumé
page allows).

Who may see a résumé and whose contacts are unmasked is decided by app.resumes.service,
the same functions the pages use; saving goes through its `save`.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import fields, validates_schema

from app.api.auth import role_required, token_required
from app.api.blueprint import Blueprint
from app.api.fields import (
    NO_NUL,
    Choice,
    Day,
    Flag,
    Listing,
    RegionCode,
    Stamp,
    Text,
    Whole,
    ordered,
)
from app.api.schemas import Schema, View
from app.extensions import db
from app.models import EducationLevel, Resume, Role, Visibility
from app.resumes import service
from app.templating import mask_email, mask_phone

blp = Blueprint("resumes", __name__, description="Your résumé, and those you may see.")

MONTH = r"^(\d{4}(-(0[1-9]|1[0-2]))?)?$"
SALARY = 10_000_000
# Others may see these masked (138****1111), which the input pattern would not match: the
# document states only what both share.
CONTACT = {"pattern": NO_NUL, "description": "Masked unless you may see contacts."}


class EducationSchema(Schema):
    school = Text(120, min_length=1, required=True)
    degree = Choice(["", *EducationLevel])
    major = Text(120)
    start = Text(7, pattern=MONTH)
    end = Text(7, pattern=MONTH)


class ExperienceSchema(Schema):
    title = Text(120, min_length=1, required=True)
    company = Text(120)
    description = Text(3000)
    start = Text(7, pattern=MONTH)
    end = Text(7, pattern=MONTH)
    years = Whole(0, 60, allow_none=True)


class ResumeSchema(Schema):
    """A résumé. PUT replaces it whole: a field left out takes its default."""

    id = Whole(1, dump_only=True)
    user_id = Whole(1, dump_only=True)
    headline = Text(120, min_length=1, required=True)
    summary = Text(5000, load_default="")
    skills = Listing(Text(40, min_length=1), max_items=30, load_default=list)
    certificates = Listing(Text(40, min_length=1), max_items=30, load_default=list)
    education_level = Choice(EducationLevel, load_default=EducationLevel.HIGH_SCHOOL)
    education = Listing(fields.Nested(EducationSchema), max_items=20, load_default=list)
    experience = Listing(fields.Nested(ExperienceSchema), max_items=20, load_default=list)
    years_experience = Whole(0, service.MAX_YEARS_EXPERIENCE, load_default=None)
    expected_salary_min = Whole(0, SALARY, load_default=None)
    expected_salary_max = Whole(0, SALARY, load_default=None)
    expected_region_codes = Listing(RegionCode(), max_items=30, load_default=list)
    region_code = RegionCode(load_default=None)
    willing_to_relocate = Flag(load_default=False)
    available_from = Day(load_default=None)
    contact_phone = Text(20, pattern=r"^[0-9+\- ]{5,20}$", load_default=None, metadata=CONTACT)
    contact_email = Text(
        254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$", load_default=None, metadata=CONTACT
    )
    visibility = Choice(Visibility, load_default=Visibility.PUBLIC)
    updated_at = Stamp()

    @validates_schema
    def salary_in_order(self, data: dict, **kwargs) -> None:
        ordered(data["expected_salary_min"], data["expected_salary_max"], "expected_salary_max")


class Masked(View):
    """A résumé as someone who may not see its contacts sees it."""

    @property
    def contact_phone(self) -> str | None:
        return mask_phone(self.model.contact_phone) or None

    @property
    def contact_email(self) -> str | None:
        return mask_email(self.model.contact_email) or None


@blp.route("/resume")
@role_required(Role.SEEKER)
@blp.response(200, ResumeSchema)
def my_resume():
    """Your résumé"""
    resume = service.default_resume(g.api_user)
    if resume is None:
        abort(404, _("You have no résumé yet; PUT one."))
    return resume


@blp.route("/resume", methods=["PUT"])
@role_required(Role.SEEKER)
@blp.body(ResumeSchema)
@blp.response(200, ResumeSchema)
@blp.alt_response(201, schema=ResumeSchema, success=True, description="Created")
def put_resume(data: dict):
    """Create or replace your résumé"""
    resume = service.default_resume(g.api_user)
    created = resume is None
    resume = service.save(g.api_user, resume, data)
    db.session.commit()
    return resume, 201 if created else 200


@blp.route("/resumes/<id:resume_id>")
@token_required
@blp.response(200, ResumeSchema)
def get_resume(resume_id: int):
    """A résumé you may see (contacts masked until they apply)"""
    resume = db.get_or_404(Resume, resume_id)
    if not service.can_view(g.api_user, resume):
        abort(404)
    return resume if service.contact_visible(g.api_user, resume) else Masked(resume)
