"""A website that fits as typed but not once https:// is added ("example.com/…" of 195
characters) is refused saying so, the same in the API and on the profile form, in the
reader's language; one of 200 characters with its scheme is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Employer, Role
from tests import factories
from tests.app.employers.test_members import profile
from tests.web import as_user, post_form

TOO_LONG = "example.com/" + "a" * 183
"""195 characters as typed, 203 as stored."""

FITS = "example.com/" + "a" * 180
"""192 characters as typed, 200 as stored."""

SAID = {
    "en": "Enter a website address of at most 200 characters, https:// included.",
    "zh": "请输入不超过 200 个字符的网址（含 https://）。",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_api_says_an_address_too_long_with_its_scheme(client, lang):
    owner = factories.user(Role.EMPLOYER)
    factories.employer(owner)
    db.session.commit()
    token = create_api_token(owner, "tests")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}", "Accept-Language": lang}  # the API's language

    refused = client.patch("/api/v1/employers/me", json={"website": TOO_LONG}, headers=bearer)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["website"] == [SAID[lang]]

    kept = client.patch("/api/v1/employers/me", json={"website": FITS}, headers=bearer)
    assert kept.status_code == 200 and kept.get_json()["website"] == "https://" + FITS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_profile_form_says_the_same(client, lang):
    as_user(client, factories.user(Role.EMPLOYER, locale=lang))
    refused = post_form(client, "/employers/new", profile(website=TOO_LONG))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert SAID[lang] in page
    assert f'value="{TOO_LONG}"' in page  # shown again as it was typed
    assert db.session.scalar(select(Employer)) is None

    assert post_form(client, "/employers/new", profile(website=FITS)).status_code == 302
    assert db.session.scalar(select(Employer.website)) == "https://" + FITS
