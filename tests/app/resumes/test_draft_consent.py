"""A résumé created by confirming an uploaded draft is public by default, and so records the
consent to being found, as the builder's save does (an outside tester's finding: it did not,
outside the deletion grace period). One rule for both: `service.settle_visibility`."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Resume, Role, Visibility
from app.privacy.service import resume_consent_given
from tests import factories
from tests.app.resumes.drafts import confirm, parsed_upload
from tests.web import as_user

DRAFT = {"headline": "焊工", "skills": ["焊接"]}


def consents(user) -> list[dict]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.data)
            .where(
                AuditEntry.action == "consent.resume_visibility",
                AuditEntry.object_id == str(user.id),
            )
            .order_by(AuditEntry.id)
        )
    )


def test_a_new_resume_from_a_draft_is_public_and_records_the_consent(client):
    seeker = factories.user(Role.SEEKER)
    item = parsed_upload(seeker, DRAFT)
    as_user(client, seeker)
    assert seeker.resume_consent_at is None
    page = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "Copying creates your résumé, and verified employers can find it." in page
    assert 'href="/resumes/mine#visibility"' in page

    assert confirm(client, item).status_code == 303
    db.session.expire_all()
    resume = db.session.scalar(sa.select(Resume).where(Resume.user_id == seeker.id))
    assert (resume.headline, resume.visibility) == ("焊工", Visibility.PUBLIC)
    assert seeker.resume_consent_at is not None
    assert consents(seeker) == [{"given": True, "via": "resume"}]

    # Confirming again records nothing more: the consent is on record.
    assert confirm(client, item).status_code == 303
    db.session.expire_all()
    assert len(consents(seeker)) == 1


def test_a_draft_copied_into_a_resume_kept_from_employers_records_no_consent(client):
    """The person chose "only employers I apply to" in the builder: the draft's fields go into
    that résumé, and it stays as chosen, without any consent recorded."""
    seeker = factories.user(Role.SEEKER)
    factories.resume(seeker, visibility=Visibility.APPLIED)
    item = parsed_upload(seeker, DRAFT)
    as_user(client, seeker)
    page = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "Who can see your résumé: Only employers I apply to." in page

    assert confirm(client, item).status_code == 303
    db.session.expire_all()
    resume = db.session.scalar(sa.select(Resume).where(Resume.user_id == seeker.id))
    assert resume.visibility == Visibility.APPLIED
    assert resume.skills == ["Java", "Spring", "焊接"]
    assert seeker.resume_consent_at is None and not resume_consent_given(seeker)
    assert consents(seeker) == []
