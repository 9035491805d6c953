"""The colleagues page says how long an invitation link works: the number the link obeys
(members.INVITE_VALID_DAYS), with its plural, in the owner's language."""

from __future__ import annotations

import pytest

from app.employers import members
from app.models import Role
from tests import factories
from tests.web import as_user


@pytest.mark.parametrize(
    ("days", "locale", "said"),
    [
        (7, "en", "They get a link valid for 7 days."),
        (1, "en", "They get a link valid for 1 day."),
        (7, "zh", "对方将收到有效期 7 天的链接。"),
        (3, "zh", "对方将收到有效期 3 天的链接。"),
    ],
)
def test_the_invitation_hint_says_the_days_the_link_works(client, monkeypatch, days, locale, said):
    monkeypatch.setattr(members, "INVITE_VALID_DAYS", days)
    owner = factories.user(Role.EMPLOYER, locale=locale)
    factories.employer(owner=owner)
    as_user(client, owner)
    page = client.get("/employers/mine/members").get_data(as_text=True)
    assert said in page
