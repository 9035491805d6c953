"""The company website as people write it: "example.com" is a website, "javascript:" is not."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Employer, Role
from tests import factories
from tests.app.employers.test_members import profile
from tests.web import as_user, post_form


def test_a_website_without_its_scheme_is_kept_as_https(client):
    as_user(client, factories.user(Role.EMPLOYER, locale="en"))
    page = client.get("/employers/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="website"[^>]*>', page).group(0)
    assert 'inputmode="url"' in field  # a URL keyboard on a phone, but a text box:
    assert 'type="text"' in field  # type=url would refuse "example.com" in the browser
    saved = post_form(client, "/employers/new", profile(website="  www.example.com "))
    assert saved.status_code == 302
    assert db.session.scalar(select(Employer.website)) == "https://www.example.com"


def test_what_is_no_website_is_refused_as_typed(client):
    as_user(client, factories.user(Role.EMPLOYER, locale="en"))
    for bad in (
        "javascript:alert(1)",
        "JavaScript://example.com/%0Aalert(1)",
        "not a website",
        "data:text/html,x",
        "ftp://a.example",
        "localhost:3000",
    ):
        refused = post_form(client, "/employers/new", profile(website=bad))
        assert refused.status_code == 422, bad
        page = refused.get_data(as_text=True)
        assert "Enter a website address, such as example.com." in page, bad
        assert "https://" + bad.replace("&", "&amp;") not in page  # shown as it was typed
    assert db.session.scalar(select(Employer)) is None


def test_a_full_address_is_kept_as_it_is(client):
    as_user(client, factories.user(Role.EMPLOYER, locale="en"))
    website = "http://例子.中国/关于?lang=zh"
    assert post_form(client, "/employers/new", profile(website=website)).status_code == 302
    assert db.session.scalar(select(Employer.website)) == website
