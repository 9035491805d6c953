"""What people see when something breaks: a 500 page with a reference that is in the log."""

from __future__ import annotations

import logging
import re

from app import create_app
from tests.conftest import base_config


def test_an_unexpected_error_is_logged_under_the_reference_the_page_shows(
    database_uri, tmp_path, redis_server, caplog
):
    app = create_app({**base_config(tmp_path, database_uri), "TESTING": False})
    app.extensions["redis"] = redis_server

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/api/v1/broken", view_func=broken, endpoint="api_broken")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with caplog.at_level(logging.ERROR):
        page = client.get("/broken")
        api = client.get("/api/v1/broken")
    assert page.status_code == 500 and api.status_code == 500
    (reference,) = re.findall(r"Error reference: ([0-9a-f]{12})", page.get_data(as_text=True))
    assert api.mimetype == "application/problem+json" and api.get_json()["incident"]
    logged = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert {r.getMessage().split()[2] for r in logged} == {reference, api.get_json()["incident"]}
    assert all(r.exc_info and "a bug" in str(r.exc_info[1]) for r in logged)
