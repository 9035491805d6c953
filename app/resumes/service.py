"""Résumé rules shared by the pages and the REST API: the candidate's default résumé, who
sees a résumé, whose contacts are unmasked, uploading a file for parsing, confirming parsed
drafts, searching résumés.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists, or_, select
from werkzeug.datastructures import FileStorage

from app import uploads
from app.database import lock
from app.extensions import db
from app.jobs.search import words_found
from app.models import (
    Application,
    EducationLevel,
    Employer,
    Job,
    ParseStatus,
    Resume,
    ResumeFile,
    Role,
    User,
    Visibility,
    json_text_contains,
    utcnow,
)
from app.privacy.blind import shortlisted_candidates
from app.privacy.service import keep_hidden_while_deleting, set_resume_consent
from app.queue import defer
from app.resumes.tasks import PARSE_TIMEOUT

DRAFT_FIELDS = (
    "headline",
    "skills",
    "phone",
    "email",
    "expected_salary",
    "years_experience",
    "education_level",
    "education",
    "experience",
)

UNSTATED_TITLE = _l("Staff")
"""A job whose title the file did not say: the builder requires a title next to a company, and
a pre-filled form must always save; the candidate sees and can change it."""

PARSE_ERRORS = {
    "broken": _l("The file seems damaged; we could not read it."),
    "encrypted": _l("The file is password-protected; upload a copy without a password."),
    "zip_bomb": _l("The document unpacks to far more than its size and was not opened."),
    "no_text": _l(
        "We found no text in the file (a scanned image?). Please fill in the form instead."
    ),
    "timeout": _l("Reading the file took too long."),
    "unsupported": _l("That file type is not supported."),
}


def default_resume(user: User) -> Resume | None:
    """The résumé one-click apply sends (at most one per candidate; the database ensures it)."""
    return db.session.scalar(
        select(Resume).where(Resume.user_id == user.id, Resume.is_default.is_(True))
    )


def _applied_clause(employer_id: int, candidate_id: Any = Resume.user_id) -> ColumnElement[bool]:
    """SQL: the candidate (by default the résumé's owner) applied to, or accepted an invitation
    from, the employer. Until then the employer sees the candidate's phone and email masked."""
    return exists().where(
        Application.candidate_id == candidate_id,
        Application.job_id == Job.id,
        Job.employer_id == employer_id,
    )


def applied_to_employer(employer_id: int, candidate_id: int) -> bool:
    return bool(db.session.scalar(select(_applied_clause(employer_id, candidate_id))))


def can_view(user: User, resume: Resume) -> bool:
    """Owners and admins always; an employer's member when the candidate applied to that
    employer, or when the résumé is public and the employer is verified."""
    if resume.user_id == user.id or user.role == Role.ADMIN:
        return True
    employer = user.employer
    if employer is None:
        return False
    if applied_to_employer(employer.id, resume.user_id):
        return True
    from app.chat.service import resume_shared_with  # shared from a conversation

    if resume_shared_with(employer.id, resume.id):
        return True
    return resume.visibility == Visibility.PUBLIC and employer.verified


def contact_visible(user: User, resume: Resume) -> bool:
    """Phone and email in clear: the owner, admins, and employers the candidate applied to
    (an employer that screens blind: once it shortlisted the candidate, app/privacy/blind.py)."""
    if resume.user_id == user.id or user.role == Role.ADMIN:
        return True
    employer = user.employer
    if employer is None or not applied_to_employer(employer.id, resume.user_id):
        return False
    if employer.blind_screening:
        shortlisted = shortlisted_candidates(employer.id).where(
            Application.candidate_id == resume.user_id
        )
        return bool(db.session.scalar(select(shortlisted.exists())))
    return True


def search_query(employer: Employer, keyword: str = "", skills: Sequence[str] = ()) -> Select:
    """Résumés EMPLOYER may find: public ones (when verified) and those of its applicants;
    hidden résumés only through an application. Matches every skill, and the keyword's words
    as the search engine reads them (synonyms, a compound's pieces: forklift finds 叉车司机),
    so the applicants' list and the backup search find what the engine finds."""
    seen = [_applied_clause(employer.id)]
    if employer.verified:
        seen.append(Resume.visibility == Visibility.PUBLIC)
    query = (
        select(Resume)
        .join(User, User.id == Resume.user_id)
        .where(User.active.is_(True), Resume.is_default.is_(True), or_(*seen))
    )
    for skill in skills:
        query = query.where(json_text_contains(Resume.skills, skill.strip()))
    query = query.where(*words_found(keyword, _resume_text_contains))
    return query.order_by(Resume.updated_at.desc(), Resume.id.desc())


def _resume_text_contains(piece: str) -> ColumnElement:
    return or_(
        Resume.headline.icontains(piece, autoescape=True),
        Resume.summary.icontains(piece, autoescape=True),
        json_text_contains(Resume.skills, piece),
    )


def store_upload(user: User, upload: FileStorage | None) -> ResumeFile:
    """Keep an uploaded PDF/DOCX (type from its content) and queue it for parsing.

    Raises uploads.UploadError (413 too large, 415 wrong type, 400 missing/empty).
    """
    stored = uploads.store(upload, uploads.RESUME_TYPES)
    item = ResumeFile.from_upload(stored, user_id=user.id, parse_status=ParseStatus.PENDING)
    db.session.add(item)
    db.session.flush()
    defer("app.resumes.tasks.parse", item.id, job_timeout=PARSE_TIMEOUT, job_id=parse_job_id(item))
    return item


def parse_job_id(item: ResumeFile) -> str:
    """The RQ job reading ITEM, so its page can say where it stands."""
    return f"resume-file-{item.id}"


MAX_YEARS_EXPERIENCE = 60

PLAIN_FIELDS = (
    "headline",
    "summary",
    "skills",
    "certificates",
    "education_level",
    "years_experience",
    "expected_salary_min",
    "expected_salary_max",
    "expected_region_codes",
    "expected_occupations",
    "region_code",
    "willing_to_relocate",
    "available_from",
    "contact_phone",
    "contact_email",
    "visibility",
)
ENTRY_FIELDS = {
    "education": ("school", "degree", "major", "start", "end"),
    "experience": ("title", "company", "description", "start", "end", "years"),
}


def form_data(form) -> dict:
    """The builder form's values as plain data, without blank repeating rows."""
    data = {name: form[name].data for name in PLAIN_FIELDS}
    for section, keys in ENTRY_FIELDS.items():
        data[section] = [
            {key: entry.form[key].data for key in keys}
            for entry in form[section].entries
            if not entry.form.is_blank()
        ]
    return data


def _entry(entry: dict, keys: Sequence[str]) -> dict:
    """One education/experience entry with only known keys: text stripped, years an int or None."""
    out = {}
    for key in keys:
        value = entry.get(key)
        if key == "years":
            out[key] = int(value) if value not in (None, "") else None
        else:
            out[key] = str(value or "").strip()
    return out


def save(user: User, resume: Resume | None, data: dict) -> Resume:
    """Create or update USER's default résumé from validated DATA (see `form_data`)."""
    if resume is None:
        resume = Resume(user_id=user.id, is_default=True)
        db.session.add(resume)
    for name in PLAIN_FIELDS:
        if name in data:
            setattr(resume, name, data[name])
    for section, keys in ENTRY_FIELDS.items():
        if section in data:
            setattr(resume, section, [_entry(entry, keys) for entry in data[section]])
    resume.region_code = resume.region_code or None
    resume.contact_phone = resume.contact_phone or None
    resume.contact_email = (resume.contact_email or "").lower() or None
    if resume.years_experience is None:
        # Entries may overlap, so their sum is capped at a working life.
        total = sum(int(e.get("years") or 0) for e in resume.experience or [])
        resume.years_experience = min(total, MAX_YEARS_EXPERIENCE)
    # An API client re-sending it as public must not bring it back while deletion is pending.
    settle_visibility(user, resume)
    return resume


def settle_visibility(user: User, resume: Resume) -> None:
    """The visibility rules of every path that saves or creates RESUME (the builder, the API,
    a confirmed draft): kept from employers while USER's deletion is pending, and a public
    résumé ("visible to verified employers", a new one's default) is the consent to being
    found, recorded."""
    keep_hidden_while_deleting(user, resume)
    db.session.flush()  # a new résumé gets its default visibility
    if resume.visibility == Visibility.PUBLIC:
        set_resume_consent(user, True, via="resume")


ENTRY_IDENTITY = {
    "education": ("school", "degree", "major", "start", "end"),
    "experience": ("title", "company", "start", "end"),
}
"""What makes two entries the same school or job (descriptions and years may have been edited
since): a file confirmed twice, or two files of one résumé, add each entry once."""


def confirm_draft(user: User, item: ResumeFile, chosen: Sequence[str]) -> Resume:
    """Copy the CHOSEN fields of ITEM's draft into USER's résumé (created when missing) and
    mark the file used.

    Lists are merged, never emptied, and an entry the résumé already has is not added again,
    so confirming a file a second time adds only what is missing; the candidate reviews the
    result in the builder. A person's confirms run one at a time (the account's row lock):
    two at once (a double tap, two tabs) each see what the other added.
    """
    lock(db.session, user)
    draft = item.parsed_fields
    resume = default_resume(user)
    if resume is None:
        resume = Resume(
            user_id=user.id,
            is_default=True,
            headline=str(draft.get("headline") or _l("My résumé"))[:120],
        )
        db.session.add(resume)
    if "headline" in chosen and draft.get("headline"):
        resume.headline = str(draft["headline"])[:120]
    if "skills" in chosen:
        current = list(resume.skills or [])
        known = {s.lower() for s in current}
        resume.skills = (current + [s for s in draft.get("skills", []) if s.lower() not in known])[
            :30
        ]
    if "phone" in chosen and draft.get("phone"):
        resume.contact_phone = str(draft["phone"])[:20]
    if "email" in chosen and draft.get("email"):
        resume.contact_email = str(draft["email"])[:254]
    if "expected_salary" in chosen and draft.get("expected_salary_min"):
        resume.expected_salary_min = int(draft["expected_salary_min"])
        resume.expected_salary_max = int(
            draft.get("expected_salary_max") or draft["expected_salary_min"]
        )
    if "years_experience" in chosen and draft.get("years_experience") is not None:
        resume.years_experience = min(60, max(0, int(draft["years_experience"])))
    if "education_level" in chosen and draft.get("education_level") in set(EducationLevel):
        resume.education_level = EducationLevel(draft["education_level"])
    for section, keys in ENTRY_FIELDS.items():
        if section in chosen and draft.get(section):
            entries = list(getattr(resume, section) or [])
            for entry in (_entry(entry, keys) for entry in draft[section]):
                if any(_same_entry(section, entry, held) for held in entries):
                    continue
                if section == "experience" and entry["company"] and not entry["title"]:
                    entry["title"] = str(UNSTATED_TITLE)
                entries.append(entry)
            setattr(resume, section, entries)
    item.confirmed_at = utcnow()
    settle_visibility(user, resume)  # a new résumé is public by default
    return resume


def _same_entry(section: str, new: dict, held: dict) -> bool:
    """NEW (from a draft) names the same school or job as HELD (in the résumé). A job the
    file gave no title was stored with UNSTATED_TITLE, perhaps in another language: then the
    title is not compared."""
    keys = ENTRY_IDENTITY[section]
    if section == "experience" and not new["title"]:
        keys = tuple(key for key in keys if key != "title")
    return all(_comparable(new.get(key)) == _comparable(held.get(key)) for key in keys)


def _comparable(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()
