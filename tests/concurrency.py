"""Running the same step in several threads at once, as concurrent requests would."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.errors import DomainError
from app.extensions import db


def at_once(app, count: int, work: Callable[[int], object]) -> list:
    """Run WORK(n) for n < COUNT in threads released together, each in a POST request context
    of its own (its own session, connection and transaction), committing when WORK returns and
    rolling back when it refuses. Returns, per thread, what WORK returned or the error raised.

    The test's own session is closed first: on SQLite its open transaction would hold the
    write lock the threads queue for."""
    db.session.close()
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(n: int) -> None:
        with app.test_request_context(method="POST"):
            try:
                barrier.wait()
                outcomes[n] = work(n)
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (the test asserts on it)
                db.session.rollback()
                outcomes[n] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def posted_at_once(
    app, path: str, count: int, prepare: Callable[[int, FlaskClient], dict]
) -> list[TestResponse]:
    """POST to PATH from COUNT browsers at once, as COUNT people (or tabs) would. Browser n is
    a test client of its own in a thread with no app context, so each of its requests gets a
    context, session and transaction of its own. PREPARE(n, browser) first does what it needs
    before posting (signing in, reading a form's CSRF token) and returns the keyword arguments
    of its post (`data=`, `headers=`); the posts are then released together. Returns the
    responses in order of n; an error in any thread is raised here.

    The test's own session is closed first, as in `at_once`."""
    db.session.close()
    barrier = threading.Barrier(count)
    responses: list = [None] * count
    errors: list[Exception] = []

    def run(n: int) -> None:
        try:
            browser = app.test_client()
            arguments = prepare(n, browser)
            barrier.wait()
            responses[n] = browser.post(path, **arguments)
        except Exception as error:  # noqa: BLE001  (raised below; the others are released)
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return responses


def refusals(outcomes: list) -> int:
    """How many OUTCOMES are refusals of a rule; fails on any other error (a crash)."""
    crashes = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    assert not crashes, crashes
    return sum(isinstance(o, DomainError) for o in outcomes)
