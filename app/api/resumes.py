"""/resume (the caller's own) and /resumes/<id> (someone's, as the résumé page allows).

Who may see a résumé and whose contacts are unmasked is decided by app.resumes.service,
the same functions the pages use; saving goes through its `save`.
"""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from app.api import bp
from app.api import definitions as d
from app.api.auth import require_role, token_required
from app.api.http import ApiError, get_or_404, json_body
from app.api.jobs import stamp
from app.api.openapi import endpoint
from app.applications.service import default_resume
from app.extensions import db
from app.models import EducationLevel, Region, Resume, Role, Visibility
from app.resumes import service
from app.templating import mask_email, mask_phone


def dump_resume(resume: Resume, show_contact: bool) -> dict:
    return {
        "id": resume.id,
        "user_id": resume.user_id,
        "headline": resume.headline,
        "summary": resume.summary or "",
        "skills": list(resume.skills or []),
        "certificates": list(resume.certificates or []),
        "education_level": resume.education_level.value,
        "education": list(resume.education or []),
        "experience": list(resume.experience or []),
        "years_experience": resume.years_experience,
        "expected_salary_min": resume.expected_salary_min,
        "expected_salary_max": resume.expected_salary_max,
        "expected_region_codes": list(resume.expected_region_codes or []),
        "region_code": resume.region_code,
        "willing_to_relocate": resume.willing_to_relocate,
        "available_from": resume.available_from.isoformat() if resume.available_from else None,
        "contact_phone": resume.contact_phone
        if show_contact
        else (mask_phone(resume.contact_phone) or None),
        "contact_email": resume.contact_email
        if show_contact
        else (mask_email(resume.contact_email) or None),
        "visibility": resume.visibility.value,
        "updated_at": stamp(resume.updated_at),
    }


@endpoint(bp, "/resume", "GET", "Your résumé", "resumes", responses={200: d.Resume}, errors=(403,))
@token_required
def my_resume():
    user = require_role(Role.SEEKER)
    resume = default_resume(user)
    if resume is None:
        raise ApiError(404, _("You have no résumé yet; PUT one."))
    return jsonify(dump_resume(resume, True))


def _check(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    for i, code in enumerate(data.get("expected_region_codes") or []):
        if db.session.get(Region, code) is None:
            errors[f"expected_region_codes[{i}]"] = [_("Choose a region from the list.")]
    if data.get("region_code") and db.session.get(Region, data["region_code"]) is None:
        errors["region_code"] = [_("Choose a region from the list.")]
    low, high = data.get("expected_salary_min"), data.get("expected_salary_max")
    if low is not None and high is not None and high < low:
        errors["expected_salary_max"] = [_("The upper bound must not be below the lower bound.")]
    if errors:
        raise ApiError(422, _("Some fields are not valid."), errors=errors)


@endpoint(
    bp,
    "/resume",
    "PUT",
    "Create or replace your résumé",
    "resumes",
    body=d.ResumeInput,
    responses={200: d.Resume, 201: d.Resume},
    errors=(403,),
)
@token_required
def put_resume():
    user = require_role(Role.SEEKER)
    data = json_body(d.ResumeInput)
    _check(data)
    resume = default_resume(user)
    created = resume is None
    full = {
        "summary": "",
        "skills": [],
        "certificates": [],
        "education": [],
        "experience": [],
        "education_level": EducationLevel.HIGH_SCHOOL.value,
        "years_experience": None,
        "expected_salary_min": None,
        "expected_salary_max": None,
        "expected_region_codes": [],
        "region_code": None,
        "willing_to_relocate": False,
        "available_from": None,
        "contact_phone": None,
        "contact_email": None,
        "visibility": Visibility.PUBLIC.value,
        **data,
    }
    full["education_level"] = EducationLevel(full["education_level"])
    full["visibility"] = Visibility(full["visibility"])
    resume = service.save(user, resume, full)
    db.session.commit()
    return jsonify(dump_resume(resume, True)), 201 if created else 200


@endpoint(
    bp,
    "/resumes/<int:resume_id>",
    "GET",
    "A résumé you may see (contacts masked until they apply)",
    "resumes",
    responses={200: d.Resume},
)
@token_required
def get_resume(resume_id: int):
    resume = get_or_404(Resume, resume_id)
    user = g.api_user
    if not service.can_view(user, resume):
        raise ApiError(404)
    return jsonify(dump_resume(resume, service.contact_visible(user, resume)))
