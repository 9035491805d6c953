"""Human labels, in the reader's language, for the values stored in enum columns."""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from babel.dates import format_interval
from flask_babel import get_locale, lazy_pgettext, pgettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app.models import (
    BroadcastStatus,
    ClaimStatus,
    CompanySize,
    DocumentKind,
    EducationLevel,
    EmploymentType,
    IdentityState,
    Industry,
    JobStatus,
    MemberRole,
    QuestionStatus,
    Role,
    SalaryPeriod,
    Source,
    Stage,
    SubsidyRule,
    VerificationState,
    Visibility,
)
from app.templating import money, occupation_name, translations

STAGES = {
    Stage.NEW: _l("New"),
    Stage.SCREENING: _l("Screening"),
    Stage.INTERVIEW: _l("Interview"),
    Stage.OFFER: _l("Offer"),
    Stage.HIRED: _l("Hired"),
    Stage.REJECTED: _l("Not selected"),
    Stage.WITHDRAWN: _l("Withdrawn"),
}

CANCEL_REASONS = {
    "job_closed": _l("The job was closed."),
    "job_taken_down": _l("The posting was removed after a review by the regional officials."),
    "employer_cancelled": _l("The employer cancelled it."),
    "candidate_cancelled": _l("The candidate cancelled it."),
}
"""Why an interview was cancelled. Stored as the code (`Interview.cancel_reason`, the
`interview_cancelled` notification's `reason`) and said in each reader's language when shown;
what the person who cancelled typed is kept apart, as they wrote it (`cancel_note`, `note`)."""

REPORT_REASONS = {
    "fake_employer": _l("The employer is not who it claims to be"),
    "fees": _l("Asks candidates for money or deposits"),
    "misleading": _l("Pay or conditions are misleading"),
    "personal_data": _l("Asks for ID, bank or other personal data up front"),
    "other": _l("Something else"),
}
"""The grounds of a fraud report (`JobReport.reason`, the `posting_taken_down` notification)."""

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

SALARIES = {
    SalaryPeriod.HOUR: _l("%(range)s per hour"),
    SalaryPeriod.DAY: _l("%(range)s per day"),
    SalaryPeriod.MONTH: _l("%(range)s per month"),
    SalaryPeriod.YEAR: _l("%(range)s per year"),
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

MEMBER_ROLES = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.RECRUITER: _l("Recruiter"),
}

IDENTITY_STATES = {
    IdentityState.STARTED: _l("In progress"),
    IdentityState.CHECKED: _l("Waiting for an official"),
    IdentityState.APPROVED: _l("Approved by an official"),
    IdentityState.REJECTED: _l("Rejected by an official"),
    IdentityState.EXPIRED: _l("Expired without a decision"),
}

SOURCES = {
    Source.APPLY: _l("Applied on the site"),
    Source.INVITATION: _l("Invitation"),
    Source.FAIR: _l("Job fair"),
}

DOCUMENT_KINDS = {
    DocumentKind.BUSINESS_LICENCE: _l("Business licence"),
    DocumentKind.LEGAL_REP_ID: _l("Legal representative's ID document"),
}

SUBSIDY_RULES = {
    SubsidyRule.PER_HIRE_FROM_PARTNER_REGION: _l("Amount per worker hired from a partner region"),
    SubsidyRule.SMALL_ENTERPRISE_RESUMED_BY: _l(
        "Micro and small enterprises that resumed by a date"
    ),
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
    "broadcasts": _l("Broadcast"),
    "cooperation_agreements": _l("Cooperation agreement"),
    "resumption_reports": _l("Resumption report"),
    "subsidy_policies": _l("Subsidy policy"),
    "subsidy_claims": _l("Subsidy claim"),
    "data_exports": _l("Data export"),
    "api_tokens": _l("API token"),
    "webhooks": _l("Webhook"),
}

AUDIT_ACTIONS = {
    # action code (what app.audit.record stores, and the CSV keeps): what happened, in words.
    # tests/app/admin/test_audit_labels.py fails when the code records one missing here.
    "user.register": _l("Account registered"),
    "user.confirm": _l("Email address confirmed"),
    "user.password_reset": _l("Password reset by email link"),
    "user.password_change": _l("Password changed"),
    "user.sign_out_others": _l("Signed out other devices"),
    "user.notification_settings": _l("Notification settings changed"),
    "consent.privacy_notice": _l("Privacy notice accepted"),
    "consent.resume_visibility": _l("Résumé visibility consent changed"),
    "export.request": _l("Data export requested"),
    "export.ready": _l("Data export ready"),
    "export.fail": _l("Data export failed"),
    "export.download": _l("Data export downloaded"),
    "export.revoke": _l("Data export cancelled"),
    "account.delete_request": _l("Account deletion requested"),
    "account.delete_cancel": _l("Account deletion cancelled"),
    "account.delete_hide": _l("Résumé kept from employers while deletion is pending"),
    "account.erase": _l("Account erased"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "admin.user_create": _l("Account created by an administrator"),
    "admin.user_change": _l("Account changed by an administrator"),
    "employer.create": _l("Company created"),
    "employer.update": _l("Company details changed"),
    "employer.member_invite": _l("Colleague invited"),
    "employer.member_join": _l("Colleague joined"),
    "employer.member_remove": _l("Colleague removed"),
    "employer.document_upload": _l("Verification document uploaded"),
    "employer.documents_save": _l("Verification documents saved"),
    "employer.identity_change": _l("Verified company details changed"),
    "employer.review_submit": _l("Submitted for verification"),
    "employer.review_approved": _l("Verification approved"),
    "employer.review_returned": _l("Verification returned for changes"),
    "employer.approve_without_identity": _l("Approved without a video identity check"),
    "employer.fast_track_approve": _l("Verified on the fast track"),
    "employer.post_check_pass": _l("Fast-track follow-up check passed"),
    "employer.fast_track_revoke": _l("Fast-track verification revoked"),
    "fast_track.rule_set": _l("Fast-track rule changed"),
    "employer.owner_succession": _l("Company passed to a new owner"),
    "employer.ownerless": _l("Company left without an owner"),
    "employer.owner_assign": _l("Owner assigned by an administrator"),
    "identity.start": _l("Video identity check started"),
    "identity.checked": _l("Video identity check recorded"),
    "identity.approved": _l("Video identity check approved"),
    "identity.rejected": _l("Video identity check rejected"),
    "identity.retention_set": _l("Snapshot retention changed"),
    "identity.snapshots_deleted": _l("Identity check snapshots deleted"),
    "identity.snapshots_erased": _l("Identity check snapshots deleted with the person's account"),
    "job.create": _l("Job created"),
    "job.update": _l("Job changed"),
    "job.publish": _l("Job published"),
    "job.pause": _l("Job paused"),
    "job.resume": _l("Job resumed"),
    "job.close": _l("Job closed"),
    "job.expire": _l("Job closed: apply-by date over"),
    "job.repost": _l("Job reposted"),
    "job.report": _l("Job reported"),
    "job.report_upheld": _l("Job report upheld"),
    "job.report_dismissed": _l("Job report dismissed"),
    "application.create": _l("Application sent"),
    "application.withdraw": _l("Application withdrawn"),
    "application.stage": _l("Application moved to another stage"),
    "invitation.create": _l("Candidate invited to apply"),
    "invitation.respond": _l("Invitation answered"),
    "interview.propose": _l("Interview times proposed"),
    "interview.reschedule": _l("Interview times proposed again"),
    "interview.schedule": _l("Interview time chosen"),
    "interview.cancel": _l("Interview cancelled"),
    "interview.complete": _l("Interview completed"),
    "fair.create": _l("Job fair created"),
    "fair.register": _l("Company registered for a job fair"),
    "broadcast.cancel": _l("Broadcast cancelled"),
    "broadcast.reschedule": _l("Broadcast moved to another time"),
    "cooperation.create": _l("Cooperation agreement created"),
    "cooperation.accept": _l("Cooperation agreement accepted"),
    "cooperation.decline": _l("Cooperation agreement declined"),
    "cooperation.withdraw": _l("Cooperation proposal withdrawn"),
    "cooperation.end": _l("Cooperation agreement ended"),
    "resumption.report": _l("Resumption of work reported"),
    "subsidy.policy": _l("Subsidy policy created"),
    "subsidy.claim": _l("Subsidy claimed"),
    "subsidy.approve": _l("Subsidy claim approved"),
    "subsidy.reject": _l("Subsidy claim rejected"),
    "subsidy.pay": _l("Subsidy paid"),
    "rollups.refresh": _l("Statistics recalculated"),
    "webhook.create": _l("Webhook created"),
    "webhook.rotate_secret": _l("Webhook secret replaced"),
    "webhook.delete": _l("Webhook deleted"),
}

AUDIT_DATA_KEYS = {
    # key in an audit entry's data: what the value is
    "user_id": _l("Account"),
    "from_user": _l("Previous owner"),
    "to_user": _l("New owner"),
    "email": _l("Email"),
    "name": _l("Name"),
    "title": _l("Title"),
    "role": _l("Role"),
    "active": _l("Account enabled"),
    "region_code": _l("Region"),
    "changes": _l("Changes"),
    "fields": _l("Fields"),
    "via": _l("Through"),
    "employer_id": _l("Company"),
    "job_id": _l("Job"),
    "original_id": _l("Original job"),
    "duplicate_of": _l("Possible duplicate of"),
    "review_id": _l("Review"),
    "document_id": _l("Document"),
    "policy_id": _l("Subsidy policy"),
    "room_id": _l("Video room"),
    "kind": _l("Document type"),
    "legal_rep_name": _l("Legal representative"),
    "previous": _l("Before"),
    "deadline": _l("Apply by"),
    "state": _l("State"),
    "to_stage": _l("New stage"),
    "source": _l("Came from"),
    "reason": _l("Reason"),
    "note": _l("Reason as typed"),
    "reasons": _l("Reasons"),
    "fast_track": _l("Fast track"),
    "post_check_due_at": _l("Follow-up check due"),
    "enabled": _l("Fast track enabled"),
    "require_valid_credit_code": _l("Valid credit code required"),
    "max_upheld_reports": _l("Most upheld reports allowed"),
    "max_returned_reviews": _l("Most returned reviews allowed"),
    "post_check_days": _l("Days until the follow-up check"),
    "revoke_when_overdue": _l("Revoke when the check is overdue"),
    "passed": _l("Automated check passed"),
    "snapshots": _l("Snapshots"),
    "days": _l("Days"),
    "jobs_paused": _l("Jobs paused"),
    "closed_job": _l("Job closed"),
    "resumed": _l("Resumed work"),
    "workers_back": _l("Workers back"),
    "amount": _l("Amount"),
    "basis": _l("Basis"),
    "rule": _l("Rule"),
    "url": _l("URL"),
    "events": _l("Events"),
    "slots": _l("Proposed times"),
    "starts_at": _l("Starts"),
    "version": _l("Notice version"),
    "given": _l("Consent given"),
    "size": _l("Size (bytes)"),
    "error": _l("Error"),
    "files": _l("Files deleted"),
    "status": _l("Status"),
    "resumes_hidden": _l("Résumés hidden from employers"),
    "signed_out": _l("Other devices signed out"),
    "tokens_revoked": _l("API tokens revoked"),
    "ended": _l("Other devices signed out"),
    "notify_email": _l("Email notifications"),
    "accepted": _l("Accepted"),
}

CLAIM_STATUSES = {
    ClaimStatus.CLAIMED: _l("Claimed"),
    ClaimStatus.APPROVED: _l("Approved"),
    ClaimStatus.REJECTED: _l("Rejected"),
    ClaimStatus.PAID: lazy_pgettext("subsidy claim status", "Paid"),
}


def occupation_label(code: str) -> str:
    """A CSCO 2022 occupation's name in the reader's language (app.templating.occupation_name)."""
    from matching.occupations import occupations

    known = occupations()
    if code in known:
        return occupation_name(code, known[code].name)
    # A code the classification lacks (retired, or mistyped by an import) is named by its
    # nearest group ("4-01-02-02" → 4-01-02-00 销售人员): a page never shows the code itself.
    parts = code.split("-")
    for depth in range(len(parts) - 1, 0, -1):
        group = "-".join(parts[:depth] + ["00" if len(p) == 2 else "0" for p in parts[depth:]])
        if group in known:
            return occupation_name(group, known[group].name)
    return str(_l("Other occupation"))


def list_comma() -> str:
    """Between the items of a list: ", " in English, the enumeration comma 、 in Chinese."""
    return pgettext("between the items of a list", ", ")


def industry_names(letters) -> str:
    """Industry sections by name ("Manufacturing, Construction"), never their letters."""
    return list_comma().join(str(INDUSTRIES.get(letter, letter)) for letter in letters or [])


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


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def choices(labels: dict) -> list[SelectChoice]:
    """WTForms choices from a label table."""
    return options((value.value, label) for value, label in labels.items())


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


_salary_format = label_getter(SALARIES)


def money_range(low, high) -> str:
    """ "¥4,700–7,300": the sign once; one amount when both ends are the same or one is
    missing; "" when both are."""
    amounts = [a for a in (low, high) if a is not None]
    if not amounts:
        return ""
    shown = money(amounts[0])
    if len(amounts) == 2 and high != low:
        shown += f"–{high:,.0f}"
    return shown


def salary_range(low, high, period=SalaryPeriod.MONTH) -> str:
    """ "¥4,700–7,300/月" or "¥4,700–7,300 per month": `money_range` with the period as the
    reader's language writes it."""
    shown = money_range(low, high)
    return shown and _salary_format(period or SalaryPeriod.MONTH) % {"range": shown}


def aside(text) -> str:
    """ "Filters (2)" in English, "筛选（2）" in Chinese: full-width brackets take no space."""
    return pgettext("an aside after a word", " (%(text)s)") % {"text": text}


def date_range(start, end) -> str:
    """ "2026年11月22日 – 12月12日" or "Nov 22 – Dec 12, 2026": the reader's date format, with
    what both dates share written once."""
    if end < start:  # never stored (the forms refuse it), but no page should fail on it
        start, end = end, start
    return format_interval(start, end, "yMMMd", locale=get_locale())


JINJA_GLOBALS = {
    "aside": aside,
    "date_range": date_range,
    "money_range": money_range,
    "salary_range": salary_range,
    "stage_label": label_getter(STAGES),
    "employment_type_label": label_getter(EMPLOYMENT_TYPES),
    "industry_label": label_getter(INDUSTRIES),
    "size_label": label_getter(COMPANY_SIZES),
    "verification_label": label_getter(VERIFICATION_STATES),
    "visibility_label": label_getter(VISIBILITIES),
    "education_label": label_getter(EDUCATION_LEVELS),
    "job_status_label": label_getter(JOB_STATUSES),
    "claim_status_label": label_getter(CLAIM_STATUSES),
    "role_label": label_getter(ROLES),
    "audited_object_label": label_getter(AUDITED_OBJECTS),
    "audit_action_label": label_getter(AUDIT_ACTIONS),
    "broadcast_status_label": label_getter(BROADCAST_STATUSES),
    "question_status_label": label_getter(QUESTION_STATUSES),
    "occupation_label": occupation_label,
    "industry_names": industry_names,
}
