"""An official's refused review decision comes back with the error at the field to fix, which
takes the focus, and the choice made kept."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Role, VerificationState
from tests import factories
from tests.web import as_user, post_form

EN = {"Accept-Language": "en"}


def waiting_review(client) -> str:
    employer = factories.employer(verified=False, legal_rep_name="王五")
    employer.verification_state = VerificationState.SUBMITTED
    as_user(client, factories.user(Role.OFFICIAL, region_code="4201", locale="en"))
    db.session.commit()
    return f"/officials/reviews/{employer.id}"


def test_returning_without_a_reason_asks_for_it_at_the_reasons_field(client):
    url = waiting_review(client)
    refused = post_form(client, url, {"decision": "returned", "reasons": "  "}, headers=EN)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    reasons = re.search(r'<textarea[^>]*id="reasons"[^>]*>', page).group(0)
    assert "autofocus" in reasons and 'aria-invalid="true"' in reasons
    assert '<p class="error" id="reasons-error">Say what has to change' in page
    assert page.count("autofocus") == 1
    assert re.search(r'<input checked[^>]*value="returned"', page)  # the choice kept
    assert 'class="flash error"' not in page.split("<h2>Decision</h2>")[0]  # not up top only

    done = post_form(client, url, {"decision": "returned", "reasons": "执照模糊"}, headers=EN)
    assert done.status_code == 302


def test_approving_without_an_identity_check_asks_for_the_box(client):
    url = waiting_review(client)
    refused = post_form(client, url, {"decision": "approved"}, headers=EN)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    box = re.search(r'<input[^>]*id="without_identity"[^>]*>', page).group(0)
    assert "autofocus" in box and page.count("autofocus") == 1
    assert '<p class="error" id="without_identity-error">No approved identity check yet' in page
    assert re.search(r'<input checked[^>]*value="approved"', page)
