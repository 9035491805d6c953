"""Human labels, in the reader's language, for the values stored in enum columns."""

from __future__ import annotations

import weakref

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.models import (
    BroadcastStatus,
    ClaimStatus,
    CompanySize,
    EducationLevel,
    EmploymentType,
    Industry,
    JobStatus,
    QuestionStatus,
    Role,
    SalaryPeriod,
    Stage,
    VerificationState,
    Visibility,
)
from app.templating import translations

STAGES = {
    Stage.NEW: _l("New"),
    Stage.SCREENING: _l("Screening"),
    Stage.INTERVIEW: _l("Interview"),
    Stage.OFFER: _l("Offer"),
    Stage.HIRED: _l("Hired"),
    Stage.REJECTED: _l("Not selected"),
    Stage.WITHDRAWN: _l("Withdrawn"),
}

EMPLOYMENT_TYPES = {
    EmploymentType.FULL_TIME: _l("Full-time"),
    EmploymentType.PART_TIME: _l("Part-time"),
    EmploymentType.INTERNSHIP: _l("Internship"),
    EmploymentType.CONTRACT: _l("Contract"),
    EmploymentType.TEMPORARY: _l("Temporary"),
}

SALARY_PERIODS = {
    SalaryPeriod.HOUR: _l("per hour"),
    SalaryPeriod.DAY: _l("per day"),
    SalaryPeriod.MONTH: _l("per month"),
    SalaryPeriod.YEAR: _l("per year"),
}

INDUSTRIES = {
    Industry.AGRICULTURE: _l("Agriculture, forestry and fishing"),
    Industry.MINING: _l("Mining"),
    Industry.MANUFACTURING: _l("Manufacturing"),
    Industry.UTILITIES: _l("Electricity, gas and water"),
    Industry.CONSTRUCTION: _l("Construction"),
    Industry.WHOLESALE_RETAIL: _l("Wholesale and retail"),
    Industry.TRANSPORT_LOGISTICS: _l("Transport, storage and post"),
    Industry.HOSPITALITY: _l("Accommodation and catering"),
    Industry.IT_SOFTWARE: _l("Information technology and software"),
    Industry.FINANCE: _l("Finance"),
    Industry.REAL_ESTATE: _l("Real estate"),
    Industry.BUSINESS_SERVICES: _l("Leasing and business services"),
    Industry.RESEARCH_TECH: _l("Research and technical services"),
    Industry.ENVIRONMENT_PUBLIC: _l("Water, environment and public facilities"),
    Industry.RESIDENT_SERVICES: _l("Resident and repair services"),
    Industry.EDUCATION: _l("Education"),
    Industry.HEALTH_SOCIAL: _l("Health and social work"),
    Industry.CULTURE_SPORTS: _l("Culture, sports and entertainment"),
    Industry.PUBLIC_ADMIN: _l("Public administration"),
    Industry.INTERNATIONAL: _l("International organisations"),
}

COMPANY_SIZES = {
    CompanySize.MICRO: _l("Micro (under 10 people)"),
    CompanySize.SMALL: _l("Small (10–99)"),
    CompanySize.MEDIUM: _l("Medium (100–999)"),
    CompanySize.LARGE: _l("Large (1,000 or more)"),
}

VERIFICATION_STATES = {
    VerificationState.DRAFT: _l("Not submitted"),
    VerificationState.SUBMITTED: _l("Under review"),
    VerificationState.RETURNED: _l("Returned for changes"),
    VerificationState.APPROVED: _l("Verified"),
}

VISIBILITIES = {
    Visibility.PUBLIC: _l("Visible to verified employers"),
    Visibility.APPLIED: _l("Only employers I apply to"),
    Visibility.HIDDEN: _l("Hidden"),
}

EDUCATION_LEVELS = {
    EducationLevel.NONE: _l("No formal education"),
    EducationLevel.MIDDLE_SCHOOL: _l("Middle school"),
    EducationLevel.HIGH_SCHOOL: _l("High school"),
    EducationLevel.VOCATIONAL: _l("Vocational school"),
    EducationLevel.ASSOCIATE: _l("Associate degree"),
    EducationLevel.BACHELOR: _l("Bachelor's degree"),
    EducationLevel.MASTER: _l("Master's degree"),
    EducationLevel.DOCTORATE: _l("Doctorate"),
}

JOB_STATUSES = {
    JobStatus.DRAFT: _l("Draft"),
    JobStatus.PUBLISHED: _l("Published"),
    JobStatus.PAUSED: _l("Paused"),
    JobStatus.CLOSED: _l("Closed"),
}


ROLES = {
    Role.SEEKER: _l("Job seeker"),
    Role.EMPLOYER: _l("Employer"),
    Role.OFFICIAL: _l("Official"),
    Role.ADMIN: _l("Administrator"),
}

AUDITED_OBJECTS = {
    # table name (what the audit log stores as object_type): what a person calls it
    "users": _l("Account"),
    "employers": _l("Company"),
    "jobs": _l("Job"),
    "job_reports": _l("Job report"),
    "applications": _l("Application"),
    "invitations": _l("Invitation"),
    "interviews": _l("Interview"),
    "identity_checks": _l("Identity check"),
    "retention_policies": _l("Snapshot retention"),
    "fast_track_rules": _l("Fast-track rule"),
    "job_fairs": _l("Job fair"),
    "cooperation_agreements": _l("Cooperation agreement"),
    "resumption_reports": _l("Resumption report"),
    "subsidy_policies": _l("Subsidy policy"),
    "subsidy_claims": _l("Subsidy claim"),
    "data_exports": _l("Data export"),
    "api_tokens": _l("API token"),
    "webhooks": _l("Webhook"),
}

CLAIM_STATUSES = {
    ClaimStatus.CLAIMED: _l("Claimed"),
    ClaimStatus.APPROVED: _l("Approved"),
    ClaimStatus.REJECTED: _l("Rejected"),
    ClaimStatus.PAID: lazy_pgettext("subsidy claim status", "Paid"),
}


def occupation_label(code: str) -> str:
    """A CSCO 2022 occupation's name (the classification is published in Chinese only)."""
    from matching.occupations import occupations

    known = occupations()
    if code in known:
        return known[code].name
    # A code the classification lacks (retired, or mistyped by an import) is named by its
    # nearest group ("4-01-02-02" → 4-01-02-00 销售人员): a page never shows the code itself.
    parts = code.split("-")
    for depth in range(len(parts) - 1, 0, -1):
        group = "-".join(parts[:depth] + ["00" if len(p) == 2 else "0" for p in parts[depth:]])
        if group in known:
            return known[group].name
    return str(_l("Other occupation"))


def industry_names(letters) -> str:
    """Industry sections by name ("Manufacturing, Construction"), never their letters."""
    from flask_babel import get_locale

    separator = "、" if str(get_locale() or "zh") == "zh" else ", "
    return separator.join(str(INDUSTRIES.get(letter, letter)) for letter in letters or [])


BROADCAST_STATUSES = {
    BroadcastStatus.SCHEDULED: _l("Scheduled"),
    BroadcastStatus.LIVE: _l("Live"),
    BroadcastStatus.ENDED: _l("Ended"),
    BroadcastStatus.CANCELLED: _l("Cancelled"),
}

QUESTION_STATUSES = {
    QuestionStatus.PENDING: _l("Waiting for approval"),
    QuestionStatus.APPROVED: _l("Approved"),
    QuestionStatus.ANSWERED: _l("Answered"),
    QuestionStatus.REJECTED: _l("Rejected"),
}


def choices(labels: dict) -> list[tuple[str, object]]:
    """WTForms choices from a label table."""
    return [(value.value, label) for value, label in labels.items()]


def label_getter(labels: dict):
    """A function from a stored value to its label, each label translated once per language
    and process (pages show dozens: every card's employment type, stage, education)."""
    kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(value) -> str:
        mine = kept.setdefault(translations(), {})
        label = mine.get(value)
        if label is None:
            label = mine[value] = str(labels.get(value, value))
        return label

    return get


JINJA_GLOBALS = {
    "stage_label": label_getter(STAGES),
    "employment_type_label": label_getter(EMPLOYMENT_TYPES),
    "salary_period_label": label_getter(SALARY_PERIODS),
    "industry_label": label_getter(INDUSTRIES),
    "size_label": label_getter(COMPANY_SIZES),
    "verification_label": label_getter(VERIFICATION_STATES),
    "visibility_label": label_getter(VISIBILITIES),
    "education_label": label_getter(EDUCATION_LEVELS),
    "job_status_label": label_getter(JOB_STATUSES),
    "claim_status_label": label_getter(CLAIM_STATUSES),
    "role_label": label_getter(ROLES),
    "audited_object_label": label_getter(AUDITED_OBJECTS),
    "broadcast_status_label": label_getter(BROADCAST_STATUSES),
    "question_status_label": label_getter(QUESTION_STATUSES),
    "occupation_label": occupation_label,
    "industry_names": industry_names,
}
