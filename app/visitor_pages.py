"""Pages that read the same for every visitor, rendered at most once a few seconds per process.

The home page, a job search and a public job page are what a crowd opens at once (a fair's
first minute, a link shared in a group chat), and for someone with no account and no session
they depend only on the address and the language. Each web process keeps the last rendering
of such a page for a few seconds, the micro-cache a CDN or Varnish keeps in front of a site,
so a hundred identical visits cost one rendering instead of a hundred.

Nobody else is served from here: a request that carries any cookie (a session, a chosen
language, a "remember me") or credentials is rendered for itself, and a rendering that sets a
cookie or is not a 200 is not kept. What a visitor gives up is at most ``seconds`` of delay
on a change. A search's page is also dropped as soon as the index has a new commit, where the
engine can tell (the embedded one): a new job is found as soon as it is indexed, as without
this cache; elsewhere (OpenSearch) a second late at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from functools import wraps

from flask import Response, current_app, request, session
from flask_babel import get_locale

KEPT_PAGES = 512
"""Pages a process keeps (a search page is ~40 kB, so ~20 MB at most)."""


def visitor_page(seconds: float, version: Callable[[], Hashable | None] | None = None) -> Callable:
    """Keep the view's page for ``seconds`` for visitors (see the module's docstring), and
    not a moment after ``version()`` changes, when the page's source can tell."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_app.config["VISITOR_PAGE_CACHE"] or not _anonymous():
                return _vary(current_app.make_response(view(*args, **kwargs)))
            store = current_app.extensions.setdefault("visitor_pages", {})
            # The whole URL: a page names its own host (links, og:url), so a visitor who
            # sends another Host must not leave a page for everyone else.
            key = (request.url, str(get_locale()))
            now = time.monotonic()
            source = version() if version else None
            kept = store.get(key)
            if kept is not None and kept[0] + seconds > now and kept[1] == source:
                made, _source, status, headers, body = kept
                response = Response(body, status=status, headers=headers)
                response.headers["Age"] = str(int(now - made))
                return response
            response = _vary(current_app.make_response(view(*args, **kwargs)))
            if _keepable(response):
                if len(store) >= KEPT_PAGES:
                    store.clear()
                entry = (now, source, response.status_code, list(response.headers), response.data)
                store[key] = entry
            return response

        return wrapper

    return decorate


def _anonymous() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.cookies
        and "Authorization" not in request.headers
    )


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
    )


def _vary(response: Response) -> Response:
    """A shared cache in front (a CDN) must keep the same pages apart as this one does."""
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
