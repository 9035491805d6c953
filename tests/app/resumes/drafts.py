"""An uploaded résumé the worker has read, and confirming it from its page
(tests/app/resumes/test_upload.py runs the parser itself)."""

from __future__ import annotations

from app.extensions import db
from app.models import ParseStatus, ResumeFile, User
from tests.web import post_form


def parsed_upload(user: User, draft: dict) -> ResumeFile:
    item = ResumeFile(
        user_id=user.id,
        stored_name=f"{user.id}-cv.pdf",
        filename="简历.pdf",
        content_type="application/pdf",
        size=1,
        parse_status=ParseStatus.PARSED,
        parsed_fields=draft,
    )
    db.session.add(item)
    db.session.commit()
    return item


def confirm(client, item: ResumeFile, fields=("headline", "skills")):
    url = f"/resumes/files/{item.id}"
    return post_form(client, f"{url}/confirm", {"fields": list(fields)}, token_from=url)
