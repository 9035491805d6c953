"""An invitation whose link stopped working is shown as expired, with a way to send it again,
not as waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.dev.routes import read_outbox
from app.employers import members
from app.extensions import db
from app.models import MemberInvite, Role
from tests import factories
from tests.web import as_user, post_form

SAID = {
    "en": ("Invitations waiting", "Invitations expired", "Send li@example.com a new link"),
    "zh": ("待接受的邀请", "已过期的邀请", "重新发送链接给 li@example.com"),
}


def sections(page: str) -> tuple[str, str]:
    """The page's text under "waiting" and under "expired" (empty when a heading is absent)."""
    waiting_heading, expired_heading, _ = SAID[
        "zh" if "待接受" in page or "已过期" in page else "en"
    ]
    waiting = page.split(waiting_heading, 1)[1] if waiting_heading in page else ""
    expired = page.split(expired_heading, 1)[1] if expired_heading in page else ""
    return waiting.split(expired_heading, 1)[0], expired


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_an_expired_invitation_is_listed_as_expired_and_sent_again(client, worker, locale):
    owner = factories.user(Role.EMPLOYER, locale=locale)
    factories.employer(owner=owner)
    as_user(client, owner)
    waiting_heading, expired_heading, resend = SAID[locale]
    url = "/employers/mine/members"
    assert post_form(client, url, {"email": "li@example.com"}).status_code == 302
    worker()
    waiting, expired = sections(client.get(url).get_data(as_text=True))
    assert "li@example.com" in waiting and not expired

    invite = db.session.scalar(select(MemberInvite))
    invite.created_at -= timedelta(days=members.INVITE_VALID_DAYS, minutes=1)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    waiting, expired = sections(page)
    assert waiting_heading not in page and "li@example.com" in expired and resend in expired

    # "Send a new link" is the invitation form again: a new mail, and the invitation waits.
    assert post_form(client, url, {"email": "li@example.com"}).status_code == 302
    worker()
    assert [m["to"] for m in read_outbox()] == ["li@example.com", "li@example.com"]
    page = client.get(url).get_data(as_text=True)
    waiting, expired = sections(page)
    assert expired_heading not in page and "li@example.com" in waiting


def test_invitations_are_capped_per_owner(app, redis_server):
    """Each invitation mails an address someone typed: 20 an hour, then a clear refusal."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    limited.extensions["redis"] = redis_server
    client = limited.test_client()
    owner = factories.user(Role.EMPLOYER, locale="en")
    factories.employer(owner=owner)
    as_user(client, owner)
    url = "/employers/mine/members"

    def invite(n: int):
        return post_form(client, url, {"email": f"p{n}@example.com"})

    assert [invite(n).status_code for n in range(20)] == [302] * 20
    refused = invite(20)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    with limited.app_context():
        assert db.session.scalar(select(func.count()).select_from(MemberInvite)) == 20
