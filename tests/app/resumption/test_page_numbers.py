"""The officials' enterprise list reads ``?page=`` as every listing does (app.routing.page_number):
ASCII digits from 1 to 10,000; anything else is a 400 that says so, never page 3 for "٣"."""

from __future__ import annotations

import pytest

from app.models import Role
from tests import factories
from tests.web import as_user

PATH = "/officials/dashboards/resumption/enterprises"


@pytest.mark.parametrize("page", ["٣", "３", "²", "x", "0", "-1", "1.5", "10001", "9" * 30])
def test_a_page_that_is_not_a_plain_number_is_refused(client, page):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102", locale="en"))
    response = client.get(PATH, query_string={"page": page})
    assert response.status_code == 400
    assert "page must be a whole number from 1 to 10000." in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["", "1", " 2 ", "10000"])
def test_a_plain_page_number_is_served(client, page):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102", locale="en"))
    assert client.get(PATH, query_string={"page": page}).status_code == 200
