"""The security and privacy settings say each answer where the reader is looking: a wrong
current password at its field (focused), and a deletion's banner pointing at the button that
cancels it, not at a "here" out of view."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user, post_form


def test_a_wrong_current_password_is_said_at_its_field_which_takes_the_focus(client):
    user = as_user(client, factories.user(Role.SEEKER, locale="en"))
    before = user.password_hash
    wrong = post_form(
        client,
        "/settings/security",
        {"current": "not mine", "password": "brand-new-pass", "confirm": "brand-new-pass"},
        "/settings/security",
    )
    assert wrong.status_code == 403
    page = wrong.get_data(as_text=True)
    current = re.search(r'<input[^>]*id="current"[^>]*>', page).group(0)
    assert "autofocus" in current and 'aria-invalid="true"' in current
    assert page.count("autofocus") == 1
    after = page[page.index(current) :]
    error = '<p class="error" id="current-error">Your current password is not correct.</p>'
    assert error in after[: after.index("</form>")]
    assert page.count("Your current password is not correct.") == 1  # not also up top
    db.session.refresh(user)
    assert user.password_hash == before


def test_the_deletion_banner_says_which_button_below_cancels_it(client):
    as_user(client, factories.user(Role.SEEKER, locale="en"))
    asked = post_form(
        client, "/settings/privacy/delete", {"password": factories.PASSWORD}, "/settings/privacy"
    )
    page = client.get(asked.location).get_data(as_text=True)
    banner = re.search(r"Until then you can cancel it[^<]*", page).group(0)
    assert "here" not in banner and "“Keep my account” button below" in banner
    assert page.index(banner) < page.index('id="cancel-deletion">Keep my account</button>')
