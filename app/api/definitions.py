"""The resources of /api/v1 as schemas: request bodies, query strings and responses.

Limits repeat the page forms' (app/employers/forms.py, app/resumes/forms.py) so a value
the API accepts is one the pages accept too.
"""

from __future__ import annotations

from app.api.schemas import (
    INT_MAX,
    Bool,
    Choice,
    Day,
    Int,
    List,
    Num,
    Obj,
    Open,
    Stamp,
    Str,
    page_of,
)
from app.models import (
    CompanySize,
    EducationLevel,
    EmploymentType,
    Industry,
    JobStatus,
    Role,
    SalaryPeriod,
    Stage,
    VerificationState,
    Visibility,
)
from app.resumes.service import MAX_YEARS_EXPERIENCE

REGION = r"^\d{2,12}$"
MONTH = r"^(\d{4}(-(0[1-9]|1[0-2]))?)?$"
SALARY = 100_000_000
MAX_LIMIT = 100

Problem = Obj(
    "Problem",
    {
        "type": Str(200),
        "title": Str(500),
        "status": Int(100, 599),
        "detail": Str(5000),
        "errors": Obj(None, {}, open=True, description="Field path → messages (422 only)."),
        "duplicates": List(
            Int(1), max_items=100, description="Ids of likely duplicate jobs (409 on jobs only)."
        ),
    },
    required=("type", "title", "status"),
    open=True,
)

Id = Int(1, INT_MAX)

# Users and tokens ---------------------------------------------------------------------

Me = Obj(
    "Me",
    {
        "id": Id,
        "email": Str(254),
        "name": Str(80),
        "role": Choice(Role),
        "region_code": Str(12, nullable=True),
        "employer_id": Int(1, nullable=True),
    },
    required=("id", "email", "name", "role", "region_code", "employer_id"),
)

TokenInput = Obj("TokenInput", {"name": Str(80, min_length=1)}, required=("name",))
Token = Obj(
    "Token",
    {
        "id": Id,
        "name": Str(80),
        "created_at": Stamp(),
        "last_used_at": Stamp(nullable=True),
        "revoked_at": Stamp(nullable=True),
    },
    required=("id", "name", "created_at", "last_used_at", "revoked_at"),
)
NewToken = Obj(
    "NewToken",
    {
        "id": Id,
        "name": Str(80),
        "token": Str(100, description="Shown only once; store it safely."),
    },
    required=("id", "name", "token"),
)
TokenList = Obj("TokenList", {"items": List(Token, max_items=1000)}, required=("items",))

# Employers ----------------------------------------------------------------------------

Employer = Obj(
    "Employer",
    {
        "id": Id,
        "name": Str(120),
        "industry": Choice(Industry),
        "size": Choice(CompanySize),
        "region_code": Str(12),
        "address": Str(200),
        "description": Str(5000),
        "website": Str(200, nullable=True),
        "verified": Bool(),
        "verification_state": Choice(VerificationState),
        "created_at": Stamp(),
    },
    required=(
        "id",
        "name",
        "industry",
        "size",
        "region_code",
        "address",
        "description",
        "website",
        "verified",
        "verification_state",
        "created_at",
    ),
)

EmployerUpdate = Obj(
    "EmployerUpdate",
    {
        "name": Str(120, min_length=1),
        "industry": Choice(Industry),
        "size": Choice(CompanySize),
        "region_code": Str(12, min_length=2, pattern=REGION),
        "address": Str(200),
        "website": Str(200, pattern=r"^(https?://[^\s\x00]+)?$", nullable=True),
        "description": Str(5000),
    },
)

# Jobs ---------------------------------------------------------------------------------

_job_fields = {
    "title": Str(120, min_length=1, example="Java开发工程师"),
    "description": Str(20000, description="Markdown."),
    "skills": List(Str(40, min_length=1), max_items=30),
    "salary_min": Int(0, SALARY),
    "salary_max": Int(0, SALARY),
    "salary_period": Choice(SalaryPeriod),
    "employment_type": Choice(EmploymentType),
    "headcount": Int(1, 10000),
    "region_code": Str(12, min_length=2, pattern=REGION, example="420102"),
    "remote": Bool(),
    "deadline": Day(nullable=True),
    "screening_questions": List(Str(300, min_length=1), max_items=20),
}

JobCreate = Obj(
    "JobCreate",
    {
        **_job_fields,
        "publish": Bool(description="Publish now (verified employers) instead of saving a draft."),
        "confirm_duplicate": Bool(
            description="Save even if an open job with this title exists in the region."
        ),
    },
    required=("title", "salary_min", "salary_max", "employment_type", "region_code"),
)

JobUpdate = Obj(
    "JobUpdate",
    {
        **_job_fields,
        "confirm_duplicate": Bool(),
    },
)

Job = Obj(
    "Job",
    {
        "id": Id,
        "employer_id": Id,
        "employer_name": Str(120),
        **{k: v for k, v in _job_fields.items()},
        "title": Str(120),
        "region_code": Str(12),
        "skills": List(Str(40), max_items=30),
        "screening_questions": List(Str(300), max_items=20),
        "status": Choice(JobStatus),
        "created_at": Stamp(),
        "published_at": Stamp(nullable=True),
    },
    required=(
        "id",
        "employer_id",
        "employer_name",
        "title",
        "description",
        "skills",
        "salary_min",
        "salary_max",
        "salary_period",
        "employment_type",
        "headcount",
        "region_code",
        "remote",
        "deadline",
        "screening_questions",
        "status",
        "created_at",
        "published_at",
    ),
)

JobQuery = Obj(
    "JobQuery",
    {
        "q": Str(100, description="Words in the title or description."),
        "region": Str(
            12, min_length=2, pattern=REGION, description="Region code; jobs in its subtree."
        ),
        "employment_type": Choice(EmploymentType),
        "remote": Bool(),
        "salary_min": Int(
            0, SALARY, description="Only jobs paying at least this much (their upper bound)."
        ),
        "employer_id": Int(1),
        "mine": Bool(description="Employer members: the own company's jobs in every state."),
        "status": Choice(JobStatus, description="With mine=true only."),
        "cursor": Str(500),
        "limit": Int(1, MAX_LIMIT),
    },
)

# Résumés ------------------------------------------------------------------------------

Education = Obj(
    "EducationEntry",
    {
        "school": Str(120, min_length=1),
        "degree": Choice(["", *[e.value for e in EducationLevel]]),
        "major": Str(120),
        "start": Str(7, pattern=MONTH),
        "end": Str(7, pattern=MONTH),
    },
    required=("school",),
)
Experience = Obj(
    "ExperienceEntry",
    {
        "title": Str(120, min_length=1),
        "company": Str(120),
        "description": Str(3000),
        "start": Str(7, pattern=MONTH),
        "end": Str(7, pattern=MONTH),
        "years": Int(0, 60, nullable=True),
    },
    required=("title",),
)

_resume_fields = {
    "headline": Str(120, min_length=1),
    "summary": Str(5000),
    "skills": List(Str(40, min_length=1), max_items=30),
    "certificates": List(Str(40, min_length=1), max_items=30),
    "education_level": Choice(EducationLevel),
    "education": List(Education, max_items=20),
    "experience": List(Experience, max_items=20),
    "years_experience": Int(0, MAX_YEARS_EXPERIENCE, nullable=True),
    "expected_salary_min": Int(0, 10_000_000, nullable=True),
    "expected_salary_max": Int(0, 10_000_000, nullable=True),
    "expected_region_codes": List(Str(12, min_length=2, pattern=REGION), max_items=30),
    "region_code": Str(12, pattern=REGION, nullable=True),
    "willing_to_relocate": Bool(),
    "available_from": Day(nullable=True),
    "contact_phone": Str(20, pattern=r"^[0-9+\- ]{5,20}$", nullable=True),
    "contact_email": Str(254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$", nullable=True),
    "visibility": Choice(Visibility),
}
ResumeInput = Obj("ResumeInput", _resume_fields, required=("headline",))

Resume = Obj(
    "Resume",
    {
        "id": Id,
        "user_id": Id,
        **_resume_fields,
        "headline": Str(120),
        "updated_at": Stamp(),
        "education": List(Obj(None, {}, open=True), max_items=20),
        "experience": List(Obj(None, {}, open=True), max_items=20),
        "skills": List(Str(40), max_items=30),
        "certificates": List(Str(100), max_items=30),
        "expected_region_codes": List(Str(12), max_items=30),
        "region_code": Str(12, nullable=True),
        "contact_phone": Str(20, nullable=True, description="Masked unless you may see contacts."),
        "contact_email": Str(254, nullable=True, description="Masked unless you may see contacts."),
    },
    required=("id", "user_id", "headline", "summary", "skills", "visibility", "updated_at"),
)

# Applications -------------------------------------------------------------------------

ApplyInput = Obj(
    "ApplyInput",
    {
        "answers": List(Str(2000), max_items=20, description="One answer per screening question."),
    },
)

Reason = Obj("MatchReason", {"text": Str(500), "positive": Bool()}, required=("text", "positive"))

Application = Obj(
    "Application",
    {
        "id": Id,
        "job_id": Id,
        "job_title": Str(120),
        "candidate_id": Id,
        "candidate_name": Str(80),
        "resume_id": Int(1, nullable=True),
        "stage": Choice(Stage),
        "source": Str(24),
        "answers": List(Str(2000), max_items=20),
        "created_at": Stamp(),
        "updated_at": Stamp(),
        "match_score": Num(0, 100, nullable=True, description="0–100; employers only."),
        "match_reasons": List(Reason, max_items=20, description="Employers only."),
    },
    required=(
        "id",
        "job_id",
        "job_title",
        "candidate_id",
        "candidate_name",
        "resume_id",
        "stage",
        "source",
        "answers",
        "created_at",
        "updated_at",
    ),
)

ApplicationQuery = Obj(
    "ApplicationQuery",
    {
        "stage": Choice(Stage),
        "cursor": Str(500),
        "limit": Int(1, MAX_LIMIT),
    },
)
PipelineQuery = Obj(
    "PipelineQuery",
    {
        "stage": Choice(Stage),
        "min_score": Num(0, 100),
        "cursor": Str(500),
        "limit": Int(1, MAX_LIMIT),
    },
)

_pipeline = [
    s.value
    for s in (Stage.NEW, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED, Stage.REJECTED)
]
MoveInput = Obj(
    "MoveInput",
    {
        "stage": Choice(_pipeline),
        "message": Str(2000, description="Sent to the candidate."),
    },
    required=("stage",),
)
BulkMoveInput = Obj(
    "BulkMoveInput",
    {
        "application_ids": List(Id, max_items=500, min_items=1),
        "stage": Choice(_pipeline),
        "message": Str(2000),
    },
    required=("application_ids", "stage"),
)
Moved = Obj("Moved", {"moved": Int(0)}, required=("moved",))

StageInfo = Obj(
    "Stage",
    {
        "value": Choice(Stage),
        "label": Str(80),
        "employer_may_set": Bool(),
        "candidate_may_withdraw": Bool(),
    },
    required=("value", "label", "employer_may_set", "candidate_may_withdraw"),
)
StageList = Obj("StageList", {"items": List(StageInfo, max_items=20)}, required=("items",))

# Notifications ------------------------------------------------------------------------

Notification = Obj(
    "Notification",
    {
        "id": Id,
        "kind": Str(40),
        "text": Str(5000),
        "params": Open(),
        "link": Str(300),
        "created_at": Stamp(),
        "read_at": Stamp(nullable=True),
    },
    required=("id", "kind", "text", "link", "created_at", "read_at"),
)
NotificationQuery = Obj(
    "NotificationQuery",
    {
        "unread": Bool(),
        "cursor": Str(500),
        "limit": Int(1, MAX_LIMIT),
    },
)
MarkRead = Obj(
    "MarkRead",
    {
        "ids": List(Id, max_items=500, description="Omit to mark every notification read."),
    },
)
Marked = Obj("Marked", {"marked": Int(0)}, required=("marked",))

Health = Obj("Health", {"status": Str(10)}, required=("status",))

PageQuery = Obj("PageQuery", {"cursor": Str(500), "limit": Int(1, MAX_LIMIT)})

JobPage = page_of(Job)
ApplicationPage = page_of(Application)
NotificationPage = page_of(Notification)
