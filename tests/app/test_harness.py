"""The harness's requests share the test's app context (tests/conftest.py); each must still
start as a production request does, with nothing kept from the one before."""

from __future__ import annotations

from flask_babel import get_locale

from app.models import Role
from tests import factories
from tests.web import as_user

ENGLISH = '<html class="no-js" lang="en">'


def chinese_set_up(app) -> None:
    """What a test's set-up does when it renders or mails in a Chinese request context."""
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert str(get_locale()) == "zh"


def test_a_chinese_set_up_leaves_the_next_request_its_own_language(app, client):
    chinese_set_up(app)
    assert ENGLISH in client.get("/").text  # the client's browser prefers English

    chinese_set_up(app)
    visitor = app.test_client()  # no preference: Chinese, until they choose
    assert ENGLISH not in visitor.get("/").text
    assert visitor.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    chinese_set_up(app)
    assert ENGLISH in visitor.get("/").text  # the choice kept in their session


def test_an_english_request_leaves_the_next_set_up_its_own_language(app, client):
    assert ENGLISH in client.get("/").text
    chinese_set_up(app)


def test_one_browsers_user_is_not_signed_in_for_the_next(app, client):
    as_user(client, factories.user(Role.SEEKER))
    assert client.get("/settings").status_code == 200
    assert app.test_client().get("/settings").status_code == 302
    assert client.get("/settings").status_code == 200
