"""The API answers in the language a program asks for (Accept-Language), and without one in
its account's language, as the account's pages do."""

from __future__ import annotations

import pytest

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Role
from tests import factories

SAID = {
    "en": "Enter a website address of at most 200 characters, https:// included.",
    "zh": "请输入不超过 200 个字符的网址（含 https://）。",
}
TOO_LONG = "example.com/" + "a" * 183


@pytest.mark.parametrize(
    ("account", "header", "said"),
    [
        ("en", None, "en"),
        ("zh", None, "zh"),
        (None, None, "zh"),
        ("en", "zh-CN", "zh"),
        ("zh", "en", "en"),
    ],
)
def test_the_api_speaks_the_asked_language_else_the_account_s(client, account, header, said):
    owner = factories.user(Role.EMPLOYER, locale=account)
    factories.employer(owner)
    db.session.commit()
    token = create_api_token(owner, "tests")
    db.session.commit()
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    headers = {"Authorization": f"Bearer {token}"}
    if header:
        headers["Accept-Language"] = header
    refused = client.patch("/api/v1/employers/me", json={"website": TOO_LONG}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["website"] == [SAID[said]]
