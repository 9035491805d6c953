"""Driving the app like a browser does: CSRF tokens from the page, then the form post."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient

# The two screens every page is looked at on: a phone and a desktop.
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}

# A form's hidden field, or the data-csrf a page's script posts with.
CSRF = re.compile(r'(?:name="csrf_token" (?:type="hidden" )?value|data-csrf)="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/auth/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, token_from: str | None = None, **kwargs):
    token = csrf_token(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def login(client: FlaskClient, email: str, password: str):
    return post_form(client, "/auth/login", {"email": email, "password": password})


def sign_out(client: FlaskClient) -> None:
    """Log CLIENT out if somebody is signed in (only their pages carry the logout form)."""
    signed_in = CSRF.search(client.get("/").get_data(as_text=True))
    if signed_in:
        client.post("/auth/logout", data={"csrf_token": signed_in.group(1)})


def as_user(client: FlaskClient, user):
    """Log CLIENT in as USER (committing first, so the login request sees the row)."""
    from app.extensions import db
    from tests.factories import PASSWORD

    db.session.commit()
    sign_out(client)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return user


WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def no_writes() -> Iterator[list[str]]:
    """Fail if the requests made inside send an INSERT, UPDATE or DELETE to the database,
    even one rolled back later: a GET must only read."""
    import sqlalchemy as sa

    from app.extensions import db

    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in WRITES:
            sent.append(statement)

    db.session.commit()  # the test's own set-up is not the request's
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert not sent, f"a read wrote: {sent}"


def sign_in_page(page, base: str, email: str) -> None:
    """Sign a browser PAGE in through the real log-in form (factories' password) and wait
    for the home page it lands on."""
    from tests.factories import PASSWORD

    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("button.button").click()
    page.wait_for_url(base + "/")


def focus_settles_on(page, field_id: str) -> bool:
    """Wait until FIELD_ID has the focus on PAGE, then say whether it is on screen. Chromium
    runs autofocus at a rendering step after the page has arrived, later still under load,
    so reading the focused element at once can find none; a field never focused times out."""
    page.wait_for_function("id => document.activeElement?.id === id", arg=field_id)
    return page.evaluate(
        """() => {
            const box = document.activeElement.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }"""
    )


@contextmanager
def served_on_a_port(app: Flask) -> Iterator[str]:
    """APP on a real HTTP port of this machine, answered by a thread: its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
