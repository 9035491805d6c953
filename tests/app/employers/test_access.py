"""Who gets what on the employer, review and job routes (302 = sent to log in)."""

from __future__ import annotations

from pathlib import Path

from app.extensions import db
from app.models import (
    EmployerDocument,
    EmployerMember,
    JobReport,
    JobStatus,
    MemberRole,
    Role,
    VerificationState,
)
from tests import factories
from tests.web import as_user, csrf_token, sign_out

WHO = ("anonymous", "seeker", "other_employer", "recruiter", "owner", "official_in", "official_out")

# route template → expected status for each of WHO, in order.
MATRIX = {
    "/employers/{employer}": (404, 404, 404, 200, 200, 200, 404),  # not yet verified
    "/employers/{employer}/documents/{document}": (302, 404, 404, 200, 200, 200, 404),
    "/employers/mine/verification": (302, 403, 200, 403, 200, 403, 403),
    "/employers/mine/members": (302, 403, 200, 403, 200, 403, 403),
    "/employers/mine/edit": (302, 403, 200, 403, 200, 403, 403),
    "/employers/mine/jobs/{job}/edit": (302, 403, 404, 200, 200, 403, 403),
    "/jobs/{job}": (404, 404, 404, 200, 200, 404, 404),  # a draft
    "/jobs/{public_job}": (200, 200, 200, 200, 200, 200, 200),
    "/jobs/{job}/report": (404, 404, 404, 404, 404, 404, 404),
    "/officials/reviews": (302, 403, 403, 403, 403, 200, 200),
    "/officials/reviews/{employer}": (302, 403, 403, 403, 403, 200, 404),
    "/officials/reports": (302, 403, 403, 403, 403, 200, 200),
}

POSTS = {
    "/officials/reports/{report}/uphold": (302, 403, 403, 403, 403, 302, 404),
}


def test_access_matrix(app, client):
    employer = factories.employer(verified=False)
    employer.verification_state = VerificationState.SUBMITTED
    owner = employer.members[0].user
    recruiter = factories.user(Role.EMPLOYER)
    db.session.add(
        EmployerMember(employer_id=employer.id, user_id=recruiter.id, role=MemberRole.RECRUITER)
    )
    document = EmployerDocument(
        employer=employer,
        kind="business_licence",
        filename="l.pdf",
        stored_name="0" * 32 + ".pdf",
        content_type="application/pdf",
        size=5,
        sha256="0" * 64,
    )
    db.session.add(document)
    job = factories.job(employer, status=JobStatus.DRAFT)
    public_employer = factories.employer(region_code="420102001001")
    public_job = factories.job(public_employer)
    report = JobReport(job_id=public_job.id, reason="fees")
    db.session.add(report)
    db.session.flush()
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / document.stored_name).write_bytes(b"%PDF-")
    users = {
        "seeker": factories.user(Role.SEEKER),
        "other_employer": factories.employer().members[0].user,
        "recruiter": recruiter,
        "owner": owner,
        "official_in": factories.user(Role.OFFICIAL, region_code="4201"),
        "official_out": factories.user(Role.OFFICIAL, region_code="52"),
    }
    ids = {
        "employer": employer.id,
        "document": document.id,
        "job": job.id,
        "public_job": public_job.id,
        "report": report.id,
    }
    db.session.commit()
    failures = []
    for index, who in enumerate(WHO):
        if who == "anonymous":
            sign_out(client)
        else:
            as_user(client, users[who])
        for template, expected in MATRIX.items():
            status = client.get(template.format(**ids)).status_code
            if status != expected[index]:
                failures.append((who, template, status, expected[index]))
        for template, expected in POSTS.items():
            token = csrf_token(client, "/auth/login" if who == "anonymous" else "/")
            status = client.post(template.format(**ids), data={"csrf_token": token}).status_code
            if status != expected[index]:
                failures.append((who, "POST " + template, status, expected[index]))
    assert failures == []
