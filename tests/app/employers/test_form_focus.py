"""A form sent back with a problem takes the reader to the first field to fix (autofocus, so
the browser brings it into view), however far down the page it is."""

from __future__ import annotations

import re

from tests import factories
from tests.app.jobs.test_postings import NEW, job_form
from tests.web import as_user, post_form

EN = {"Accept-Language": "en"}


def test_a_salary_minimum_above_the_maximum_focuses_the_maximum(client):
    as_user(client, factories.employer().members[0].user)
    response = post_form(client, NEW, job_form(salary_min="9000", salary_max="8000"), headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    salary_max = re.search(r'<input[^>]*id="salary_max"[^>]*>', page).group(0)
    assert "autofocus" in salary_max and 'aria-invalid="true"' in salary_max
    after = page[page.index(salary_max) :]
    assert '<p class="error" id="salary_max-error">The upper bound must not be below' in after
    assert page.count("autofocus") == 1


def test_only_the_first_of_several_fields_to_fix_is_focused(client):
    as_user(client, factories.employer().members[0].user)
    response = post_form(client, NEW, job_form(title="", headcount="0"), headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.count('aria-invalid="true"') == 2
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*autofocus[^>]*id="title"', page)
