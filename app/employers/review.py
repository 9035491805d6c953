"""Online document review (材料在线审核): the employer's documents, its submission and the
official's decision, as one small state machine used by the pages and the REST API.

    draft --submit--> submitted --approve--> approved
                      submitted --return---> returned --submit--> submitted

Every transition is audited and notified inside the caller's transaction; the caller
commits. Fast-track review (信用审) is decided by `TRUSTED` below and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import FileStorage

from app import audit, uploads
from app.database import lock
from app.errors import DomainError
from app.extensions import db
from app.models import (
    DocumentKind,
    Employer,
    EmployerDocument,
    EmployerMember,
    Job,
    JobReport,
    MemberRole,
    ReportStatus,
    ReviewDecision,
    Role,
    User,
    VerificationReview,
    VerificationState,
    in_subtree,
    utcnow,
)
from app.notifications.service import notify
from app.templating import join_list
from app.uploads import StoredFile

REQUIRED_DOCUMENTS = (DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID)

# States in which the employer may change its documents and (re)submit them.
EDITABLE = frozenset({VerificationState.DRAFT, VerificationState.RETURNED})

FAST_TRACK_RULE = _l(
    "Fast track (credit review): the employer was approved before, that approval still "
    "stands (it was not revoked or returned since), and no fraud report against any of its "
    "jobs has been upheld. Fast-track submissions are shown first; an official still checks "
    "the documents."
)

_approval, _later = aliased(VerificationReview), aliased(VerificationReview)
APPROVAL_IN_FORCE = exists().where(
    _approval.employer_id == Employer.id,
    _approval.decision == ReviewDecision.APPROVED,
    ~exists().where(
        _later.employer_id == Employer.id,
        _later.decision == ReviewDecision.RETURNED,
        _later.id > _approval.id,
    ),
)
"""An approval no later decision withdrew: a failed check after a fast-track approval
(`fast_track.revoke`) or a resubmission sent back returns the documents, and the approval
before vouches for nothing since. Ids, not times, order them: two may share a timestamp.
EXISTS, not a comparison with the latest decision, which is NULL for a company never
decided and sorts first under PostgreSQL's DESC."""

# The rule above as SQL, so the queue can sort by it and `is_trusted` can test one employer.
TRUSTED = sa.and_(
    APPROVAL_IN_FORCE,
    ~exists()
    .where(JobReport.status == ReportStatus.UPHELD, JobReport.job_id == Job.id)
    .where(Job.employer_id == Employer.id),
)


class ReviewError(DomainError):
    """A review step is not possible now (409), or a decision lacks its reasons (422)."""


def is_trusted(employer: Employer) -> bool:
    return bool(db.session.scalar(select(TRUSTED).where(Employer.id == employer.id)))


def current_documents(employer: Employer) -> dict[DocumentKind, EmployerDocument]:
    """The latest upload of each kind; earlier ones stay for the record."""
    latest: dict[DocumentKind, EmployerDocument] = {}
    for document in employer.documents:
        latest[document.kind] = document
    return latest


def history(employer: Employer) -> list[VerificationReview]:
    """Officials' decisions on EMPLOYER's documents, newest first."""
    return db.session.scalars(
        select(VerificationReview)
        .where(VerificationReview.employer_id == employer.id)
        .order_by(VerificationReview.created_at.desc())
    ).all()


def missing(employer: Employer) -> list[str]:
    """What still has to be provided before the documents can be submitted."""
    have = current_documents(employer)
    gaps = [
        str(_l("Business licence"))
        if kind == DocumentKind.BUSINESS_LICENCE
        else str(_l("ID document of the legal representative"))
        for kind in REQUIRED_DOCUMENTS
        if kind not in have
    ]
    if not (employer.legal_rep_name or "").strip():
        gaps.append(str(_l("Name of the legal representative")))
    return gaps


def _add_document(
    employer: Employer, kind: DocumentKind, stored: StoredFile, user: User
) -> EmployerDocument:
    document = EmployerDocument.from_upload(
        stored, employer=employer, kind=kind, sha256=stored.sha256, uploaded_by_id=user.id
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "employer.document_upload", employer, actor=user, kind=kind.value, document_id=document.id
    )
    return document


def save_documents(
    employer: Employer,
    legal_rep_name: str | None,
    files: Mapping[DocumentKind, FileStorage | None],
    user: User,
) -> tuple[list[StoredFile], dict[DocumentKind, uploads.UploadError]]:
    """Keep the legal representative's name and each file sent (a new upload of a kind
    replaces the current one; earlier ones stay on record).

    Returns the files kept, for the caller to discard if its transaction fails, and the
    refusal of each file that was not kept, by kind: one bad file does not take the good one
    with it, so the page says which field it was and the other need not be chosen again."""
    if employer.verification_state not in EDITABLE:
        raise ReviewError(
            _l("Documents cannot be changed while they are under review or after approval.")
        )
    employer.legal_rep_name = (legal_rep_name or "").strip() or None
    stored: list[StoredFile] = []
    refused: dict[DocumentKind, uploads.UploadError] = {}
    for kind, upload in files.items():
        if upload and upload.filename:
            try:
                stored.append(uploads.store(upload, uploads.DOCUMENT_TYPES))
            except uploads.UploadError as error:
                refused[kind] = error
                continue
            _add_document(employer, kind, stored[-1], user)
    audit.record("employer.documents_save", employer, legal_rep_name=employer.legal_rep_name)
    return stored, refused


def owners(employer: Employer) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EmployerMember, EmployerMember.user_id == User.id)
            .where(
                EmployerMember.employer_id == employer.id, EmployerMember.role == MemberRole.OWNER
            )
        )
    )


def officials_for(region_code: str) -> list[User]:
    """Active officials whose subtree holds REGION_CODE (codes nest by prefix: 2/4/6/9/12)."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
    return list(
        db.session.scalars(
            select(User).where(
                User.role == Role.OFFICIAL, User.active.is_(True), User.region_code.in_(prefixes)
            )
        )
    )


def submit(employer: Employer, user: User) -> None:
    if employer.verification_state not in EDITABLE:
        raise ReviewError(_l("These documents were already submitted."))
    gaps = missing(employer)
    if gaps:
        raise ReviewError(_l("Still missing: %(items)s.", items=join_list(gaps)))
    previous = employer.verification_state
    employer.verification_state = VerificationState.SUBMITTED
    employer.submitted_at = utcnow()
    fast_track = is_trusted(employer)
    audit.record(
        "employer.review_submit",
        employer,
        actor=user,
        previous=previous.value,
        fast_track=fast_track,
    )
    _tell_reviewers(employer)


def _tell_reviewers(employer: Employer) -> None:
    """The officials of the employer's region see it in their queue and a notification."""
    link = url_for("employers.review", employer_id=employer.id)
    for official in officials_for(employer.region_code):
        notify(official, "review_submitted", link, email=False, employer=employer.name)


IDENTITY_FIELDS = ("name", "credit_code", "region_code", "legal_rep_name")
"""What an approval vouches for: who the company is and where (the region picks its reviewers)."""


def identity_changes(employer: Employer, values: Mapping[str, Any]) -> list[str]:
    """The IDENTITY_FIELDS that VALUES would change on EMPLOYER."""
    return [f for f in IDENTITY_FIELDS if f in values and values[f] != getattr(employer, f)]


def review_again(employer: Employer, user: User, fields: list[str]) -> None:
    """A verified company changed FIELDS its approval vouched for: it loses the badge and goes
    back into the review queue of the officials of its (possibly new) region, audited. Its
    jobs stop being public until an official approves it again."""
    employer.verification_state = VerificationState.SUBMITTED
    employer.submitted_at = utcnow()
    audit.record("employer.identity_change", employer, actor=user, fields=fields)
    _tell_reviewers(employer)


def decide(
    employer: Employer, official: User, decision: ReviewDecision, reasons: str = ""
) -> VerificationReview:
    """Approve or return EMPLOYER's submission. The caller has checked the official's region."""
    lock(db.session, employer)  # two officials at once: the second finds nothing waiting
    if employer.verification_state != VerificationState.SUBMITTED:
        raise ReviewError(_l("There is no submission waiting for a decision."))
    reasons = reasons.strip()
    if decision == ReviewDecision.RETURNED and not reasons:
        raise ReviewError(_l("Say what has to change, so the employer can fix it."), status=422)
    review = VerificationReview(
        employer_id=employer.id,
        official_id=official.id,
        decision=decision,
        reasons=reasons,
        fast_track=is_trusted(employer),
    )
    db.session.add(review)
    if decision == ReviewDecision.APPROVED:
        employer.verification_state = VerificationState.APPROVED
        employer.verified_at = utcnow()
        kind = "review_approved"
    else:
        employer.verification_state = VerificationState.RETURNED
        kind = "review_returned"
    db.session.flush()
    audit.record(
        f"employer.review_{decision.value}",
        employer,
        actor=official,
        review_id=review.id,
        reasons=reasons,
        fast_track=review.fast_track,
    )
    link = url_for("employers.verification")
    for owner in owners(employer):
        notify(owner, kind, link, reasons=reasons)
    return review


def queue_query(region_code: str):
    """Submitted employers under REGION_CODE ('' = everywhere): fast track first, then oldest."""
    query = select(Employer, TRUSTED.label("trusted")).where(
        Employer.verification_state == VerificationState.SUBMITTED
    )
    if region_code:
        query = query.where(in_subtree(Employer.region_code, region_code))
    return query.order_by(TRUSTED.desc(), Employer.submitted_at, Employer.id)
