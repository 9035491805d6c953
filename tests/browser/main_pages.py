"""Every main page of each role, on the demo data set: what the accessibility walk checks and
what `make screenshots` photographs (tests/browser/test_accessibility.py).

A page is (name, path); a path may need an id from the demo data, so it is computed by a
function of the database session when the walk starts.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Application,
    Broadcast,
    BroadcastStatus,
    Conversation,
    Employer,
    EmployerMember,
    IdentityCheck,
    IdentityState,
    Interview,
    Job,
    JobFair,
    JobStatus,
    Scorecard,
    User,
)

Page = tuple[str, str]


def _first(session: Session, query) -> int:
    value = session.scalar(query.limit(1))
    if value is None:
        raise LookupError(f"the demo data has no row for {query}")
    return value


def _conversation(session: Session) -> int:
    return _first(session, select(Conversation.id).order_by(Conversation.id))


def _identity_check(session: Session, state: IdentityState) -> int:
    return _first(session, select(IdentityCheck.id).where(IdentityCheck.state == state))


def _held_briefing(session: Session) -> int:
    return _first(session, select(Broadcast.id).where(Broadcast.status == BroadcastStatus.ENDED))


def anonymous(session: Session) -> list[Page]:
    job = _first(session, select(Job.id).where(Job.status == JobStatus.PUBLISHED).order_by(Job.id))
    return [
        ("home", "/"),
        ("login", "/auth/login"),
        ("register", "/auth/register"),
        ("jobs", "/jobs/"),
        ("job", f"/jobs/{job}"),
        ("fairs", "/fairs/"),
    ]


def seeker(session: Session) -> list[Page]:
    user = _first(session, select(User.id).where(User.email == "seeker@yunpin.demo"))
    # an application with an interview: its page links to the interview
    application, interview = session.execute(
        select(Application.id, Interview.id)
        .join(Interview, Interview.application_id == Application.id)
        .where(Application.candidate_id == user)
        .order_by(Application.id)
        .limit(1)
    ).one()
    fair = _first(session, select(JobFair.id).order_by(JobFair.id))
    return [
        ("home", "/"),
        ("jobs", "/jobs/?q=工程师"),
        ("resume", "/resumes/mine"),
        ("upload", "/resumes/upload"),
        ("applications", "/applications"),
        ("application", f"/applications/{application}"),
        ("interview", f"/video/interviews/{interview}"),
        ("invitations", "/applications/invitations"),
        ("recommendations", "/recommendations"),
        ("fair", f"/fairs/{fair}"),
        ("messages", "/conversations"),
        ("conversation", f"/conversations/{_conversation(session)}"),
        ("broadcasts", "/broadcasts/"),
        ("briefing", f"/broadcasts/{_held_briefing(session)}"),
        ("notifications", "/notifications"),
        ("settings", "/settings"),
    ]


def employer(session: Session) -> list[Page]:
    user = _first(session, select(User.id).where(User.email == "employer@yunpin.demo"))
    company = _first(
        session, select(EmployerMember.employer_id).where(EmployerMember.user_id == user)
    )
    # the job with the most applicants, and an application of it that had an interview
    job = _first(
        session,
        select(Job.id)
        .join(Application, Application.job_id == Job.id)
        .where(Job.employer_id == company)
        .group_by(Job.id)
        .order_by(func.count().desc(), Job.id),
    )
    application = _first(
        session,
        select(Application.id)
        .join(Interview, Interview.application_id == Application.id)
        .join(Job, Job.id == Application.job_id)
        .where(Job.employer_id == company)
        .order_by(Application.id),
    )
    return [
        ("home", "/"),
        ("dashboard", "/employers/mine"),
        ("jobs", "/applications/jobs"),
        ("pipeline", f"/applications/jobs/{job}"),
        ("application", f"/applications/review/{application}"),
        ("scorecard", f"/video/interviews/{_first(session, select(Scorecard.interview_id))}"),
        ("conversation", f"/conversations/{_conversation(session)}"),
        ("identity", "/video/identity"),
        ("identity-check", f"/video/identity/{_identity_check(session, IdentityState.APPROVED)}"),
        ("subsidies", "/subsidies/"),
        ("new-job", "/employers/mine/jobs/new"),
        ("talent", f"/recommendations/jobs/{job}/people"),
        ("resume-search", "/resumes/search"),
        ("resumption-report", "/employers/mine/resumption"),
        ("profile", f"/employers/{company}"),
    ]


def pending_employer(session: Session) -> list[Page]:
    return [
        ("home", "/"),
        ("verification", "/employers/mine/verification"),
        ("identity-check", f"/video/identity/{_identity_check(session, IdentityState.CHECKED)}"),
    ]


def official(session: Session) -> list[Page]:
    fair = _first(session, select(JobFair.id).order_by(JobFair.id))
    pending = _first(
        session, select(Employer.id).where(Employer.submitted_at.is_not(None)).order_by(Employer.id)
    )
    return [
        ("home", "/officials/"),
        *[(f"board-{b}", f"/officials/dashboards/{b}") for b in BOARDS],
        ("enterprises", "/officials/dashboards/resumption/enterprises"),
        ("reviews", "/officials/reviews"),
        ("review", f"/officials/reviews/{pending}"),
        ("identity-check", f"/video/identity/{_identity_check(session, IdentityState.CHECKED)}"),
        ("broadcasts", "/officials/broadcasts"),
        ("briefing-figures", f"/officials/broadcasts/{_held_briefing(session)}"),
        ("fairs", "/officials/fairs"),
        ("fair-stats", f"/officials/fairs/{fair}"),
        ("subsidies", "/officials/subsidies"),
        ("new-agreement", "/officials/cooperation/new"),
    ]


def city_official(session: Session) -> list[Page]:
    return [
        ("home", "/officials/"),
        ("board-map", "/officials/dashboards/map"),
        ("board-resumption", "/officials/dashboards/resumption"),
    ]


def admin(session: Session) -> list[Page]:
    return [
        ("home", "/"),
        ("accounts", "/admin/users"),
        ("new-account", "/admin/users/new"),
        ("audit-log", "/admin/audit"),
        ("failed-mail", "/admin/mail/failed"),
        ("map", "/officials/dashboards/map"),
    ]


BOARDS = ("resumption", "recruitment", "cooperation", "map", "service")

ROLES: dict[str, tuple[str | None, Callable[[Session], list[Page]]]] = {
    # role: (demo account, its pages)
    "anonymous": (None, anonymous),
    "seeker": ("seeker@yunpin.demo", seeker),
    "employer": ("employer@yunpin.demo", employer),
    "pending-employer": ("pending@yunpin.demo", pending_employer),
    "official": ("official@yunpin.demo", official),
    "city-official": ("city@yunpin.demo", city_official),
    "admin": ("admin@yunpin.demo", admin),
}
