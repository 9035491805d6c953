"""The demo data set served on a real HTTP port, and how a walk signs in and waits for a page:
shared by the walks over every main page (test_accessibility.py, test_long_words.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app import create_app
from app.extensions import db
from tests.browser.main_pages import ROLES, Page
from tests.conftest import base_config
from tests.web import served_on_a_port


@contextmanager
def demo_site(
    tmp: Path, sqlite_template: Path, redis_server, change: Callable[[], None] | None = None
) -> Iterator[tuple[str, dict[str, list[Page]]]]:
    """The app with the demo data set, CHANGE applied to it (in an app context, before the
    search index is built, so the index holds what the pages show): the base URL and each
    role's main pages (tests/browser/main_pages.py)."""
    from app import demo
    from app.cli import build_search_index_if_needed

    path = tmp / "demo.db"
    shutil.copy(sqlite_template, path)
    config = base_config(tmp, f"sqlite:///{path}")
    del config["SERVER_NAME"]
    app = create_app(config)
    app.extensions["redis"] = redis_server
    with app.app_context():
        demo.load()
        if change is not None:
            change()
        build_search_index_if_needed()  # as `yunpin run` does: the job search shows the demo
        pages = {role: pages_of(db.session) for role, (_email, pages_of) in ROLES.items()}
        db.session.remove()
    with served_on_a_port(app) as base:
        yield base, pages


def sign_in(page, base: str, email: str, language: str = "zh") -> None:
    """Sign in as EMAIL and read in LANGUAGE (the demo's administrator reads English: every
    page of a walk is checked in the same language)."""
    from app.demo import PASSWORD

    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button.button").click()
    page.wait_for_url(base + "/")
    switch = page.locator(f"form.lang button[value={language}]")
    if switch.count():
        with page.expect_navigation():
            switch.click()
    assert page.locator("html").get_attribute("lang").startswith(language)


def settle(page) -> None:
    """Wait until charts and maps are drawn (they fetch their shapes after the page loads).
    A conversation holds its event stream open, so the network is never idle there: its
    page is settled once loaded."""
    if page.locator("#chat[data-stream]").count():
        page.wait_for_load_state("load")
    else:
        page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')]"
        ".every(el => el.hidden || el.querySelector('canvas'))",
        timeout=15_000,
    )
