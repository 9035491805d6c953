"""All models, importable from one place (Alembic's autogenerate sees every table)."""
# ruff: noqa: F401

from .accounts import ApiToken, Role, User
from .activity import AuditEntry, Notification, Task
from .applications import Application, ApplicationNote, Invitation, Source, Stage, StageChange
from .base import Base, utcnow
from .employers import (
    CompanySize,
    DocumentKind,
    Employer,
    EmployerDocument,
    EmployerMember,
    Industry,
    MemberInvite,
    MemberRole,
    ReviewDecision,
    VerificationReview,
    VerificationState,
)
from .identity import IdentityCheck, IdentityState, RetentionPolicy
from .interviews import Interview, InterviewSlot, InterviewStatus, Room, RoomKind
from .jobs import EmploymentType, Job, JobReport, JobStatus, ReportStatus, SalaryPeriod
from .matching import Dismissal, EmbeddedKind, Embedding, RecommendationList
from .programmes import (
    AgreementStatus,
    CooperationAgreement,
    FairEmployer,
    FairJob,
    JobFair,
    ResumptionReport,
)
from .regions import Region, in_subtree, level_of, next_prefix
from .resumes import EducationLevel, ParseStatus, Resume, ResumeFile, Visibility
from .rollups import RollupCount, RollupRun
from .subsidies import ClaimStatus, SubsidyClaim, SubsidyPolicy, SubsidyRule
from .video import Scorecard
