"""The ``task`` decorator every RQ job wears. Jobs take ids, run inside an application
context, and live in each feature's importable ``tasks`` module so a worker can find them by
dotted path (e.g. ``app.notifications.tasks.deliver``).

A worker started by ``rq worker`` has no Flask app: ``task`` builds one from the same
environment the web process uses. Inside tests the worker runs within the test app's
context, and that app is used instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context

_worker_app: Flask | None = None


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def task(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        with _app().app_context():
            return func(*args, **kwargs)

    return run
