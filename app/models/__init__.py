"""All models, importable from one place (Alembic's autogenerate sees every table)."""
# ruff: noqa: F401

from app.models.accounts import ApiToken, Role, SignIn, User
from app.models.activity import AuditEntry, Notification
from app.models.applications import (
    Application,
    ApplicationNote,
    Invitation,
    Source,
    Stage,
    StageChange,
)
from app.models.base import Base, json_text_contains, utcnow
from app.models.broadcasts import (
    Broadcast,
    BroadcastApplication,
    BroadcastPin,
    BroadcastQuestion,
    BroadcastReminder,
    BroadcastStatus,
    BroadcastViewer,
    BroadcastVote,
    QuestionStatus,
)
from app.models.chat import (
    AlertFrequency,
    Conversation,
    Favourite,
    Message,
    SavedSearch,
    Side,
)
from app.models.employers import (
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
from app.models.fast_track import FastTrackRule
from app.models.identity import IdentityCheck, IdentityState, RetentionPolicy
from app.models.interviews import Interview, InterviewSlot, InterviewStatus, Room, RoomKind
from app.models.jobs import EmploymentType, Job, JobReport, JobStatus, ReportStatus, SalaryPeriod
from app.models.matching import Dismissal, EmbeddedKind, Embedding, RecommendationList
from app.models.privacy import DataExport, ExportStatus
from app.models.programmes import (
    AgreementStatus,
    CooperationAgreement,
    FairEmployer,
    FairJob,
    JobFair,
    ResumptionReport,
)
from app.models.regions import Region, in_subtree, level_of, next_prefix
from app.models.resumes import EducationLevel, ParseStatus, Resume, ResumeFile, Visibility
from app.models.rollups import RollupCount, RollupRun
from app.models.subsidies import ClaimStatus, SubsidyClaim, SubsidyPolicy, SubsidyRule
from app.models.video import Scorecard
from app.models.webhooks import DeliveryStatus, Webhook, WebhookDelivery
