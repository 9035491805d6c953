"""Settings open on what a person uses (password and devices), with the tools for programs
(webhooks, API tokens) last."""

from __future__ import annotations

import re

from app.models import Role
from tests import factories
from tests.web import as_user


def tabs(page: str) -> list[str]:
    nav = page.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_a_seekers_settings_open_on_the_account_and_end_with_api_tokens(client):
    as_user(client, factories.user(Role.SEEKER))
    home = client.get("/").get_data(as_text=True)
    (settings_link,) = re.findall(r'<li class="mainnav__account"><a href="([^"]+)"', home)
    assert settings_link == "/settings/security"
    page = client.get(settings_link).get_data(as_text=True)
    assert tabs(page) == ["/settings/security", "/settings/privacy", "/settings"]
    assert 'href="/settings/security" aria-current="page"' in page


def test_an_owners_webhooks_come_just_before_api_tokens(client):
    owner = factories.employer().members[0].user
    as_user(client, owner)
    listed = tabs(client.get("/settings/privacy").get_data(as_text=True))
    assert listed[:2] == ["/settings/security", "/settings/privacy"]
    assert listed[-1] == "/settings" and "webhooks" in listed[-2]
