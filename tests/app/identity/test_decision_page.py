"""An official's refused identity decision comes back on the review page they made it on,
the error at the field it concerns and in view."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import IdentityState
from tests.app.identity.conftest import checked
from tests.web import as_user, post_form


def decide(client, check, review: str, **fields):
    return post_form(client, f"/video/identity/{check.id}/decide", fields, token_from=review)


def test_rejecting_without_a_reason_asks_for_it_at_the_field_on_the_review_page(
    app, client, people
):
    check = checked(app, people.employer, people.owner)
    as_user(client, people.official)
    review = f"/officials/reviews/{people.employer.id}"
    form_action = f"/video/identity/{check.id}/decide"
    assert f'action="{form_action}"' in client.get(review).get_data(as_text=True)

    refused = decide(client, check, review, **{"identity-decision": "reject"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    # The review page, whole: the company's facts and documents are there too.
    assert f"<h1>{people.employer.name}</h1>" in page and "<h2>Documents</h2>" in page
    assert f'action="{form_action}" id="identity-decision"' in page
    reasons = re.search(r"<textarea[^>]*id=\"identity-reasons\"[^>]*>", page).group(0)
    assert "autofocus" in reasons and 'aria-invalid="true"' in reasons
    error = '<p class="error" id="identity-reasons-error">Say why the check is rejected'
    assert error in page[page.index(reasons) :]
    assert page.count("autofocus") == 1  # the one field to fix
    # What was chosen stays chosen; the employer's own form is not filled from it.
    assert re.search(r'value="reject"[^>]*checked|checked[^>]*value="reject"', page)
    assert len(re.findall(r'id="reasons"', page)) <= 1  # field ids are the page's own
    db.session.refresh(check)
    assert check.state == IdentityState.CHECKED

    done = decide(
        client,
        check,
        review,
        **{"identity-decision": "reject", "identity-reasons": "Not the person on the ID."},
    )
    assert (done.status_code, done.location) == (303, review)


def test_approving_a_check_without_snapshots_is_refused_at_the_choice(app, client, people):
    check = checked(app, people.employer, people.owner, names=())
    as_user(client, people.official)
    review = f"/officials/reviews/{people.employer.id}"
    refused = decide(client, check, review, **{"identity-decision": "approve"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    form = page[page.index('id="identity-decision"') :]
    assert "it cannot be approved" in form[: form.index("</form>")]
    assert re.search(r'<input autofocus [^>]*id="identity-decision-0"', form)  # the choice
    assert "<h2>Documents</h2>" in page
