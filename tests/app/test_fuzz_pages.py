"""Every page with odd input, as every role: never a 500.

Routes come from `app.url_map` (new pages are covered without editing this file; the API has
its own fuzzing, tests/app/api/test_schemathesis.py). Each GET carries query parameters and
each POST form fields, a valid CSRF token and values Hypothesis draws from what broke pages
before: unicode digits, numbers beyond any column, empty, very long, NUL, dates at the
calendar's edges, odd time zones. The parameter names are those the app reads: found in its
source (`request.args.get("…")`, `request.form.get("…")`) and in its WTForms classes, plus
the fields of the form on the page itself. Hypothesis is derandomized: the same code draws
the same examples, so a failure repeats.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import app as app_package
from app.extensions import db
from app.models import User
from tests.app.api.seed import seed
from tests.web import as_user, csrf_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
"""Examples per role and database, each one request to every route and method: one keeps
`make test` within a minute of what it took without this test; raise it to search longer."""

SKIPPED = {
    "static",
    "accounts.logout",  # would end the role's sign-in for the requests that follow
    "accounts.sign_out_others",
    "media.proxy_offer",  # forwards to the media server, tested in tests/app/media
}
SKIPPED_PREFIXES = ("/api/",)

ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "①",
    "４２",
    "٤٢",
    "9" * 30,
    str(2**31),
    str(2**63),
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "Etc/GMT+12",
    "Etc/GMT-14",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "%",
    "{}",
    "[]",
    "\u202e",
    "true",
]
values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)

SOURCE_NAMES = re.compile(
    r"""(?:args|form)\.get(?:list)?\(\s*["'](\w+)["']|_int\(args,\s*["'](\w+)["']"""
)
FIELD_NAMES = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname="([^"]+)\"""")


def names_the_app_reads() -> list[str]:
    names: set[str] = set()
    root = Path(app_package.__file__).parent
    for path in root.rglob("*.py"):
        for found in SOURCE_NAMES.findall(path.read_text(encoding="utf-8")):
            names.update(name for name in found if name)
    for module in pkgutil.walk_packages([str(root)], "app."):
        if module.name.endswith(".forms"):
            forms = importlib.import_module(module.name)
            for item in vars(forms).values():
                if isinstance(item, type) and issubclass(item, FlaskForm):
                    names.update(
                        name for name in dir(item) if isinstance(getattr(item, name), UnboundField)
                    )
    names.discard("csrf_token")
    return sorted(names)


def routes(app) -> list:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIPPED and not rule.rule.startswith(SKIPPED_PREFIXES)
        ),
        key=lambda rule: rule.rule,
    )


def path_values(rule):
    """A strategy for RULE's URL arguments: small ids name seeded rows, others no row."""
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if type(converter).__name__ == "IdConverter":
            arguments[name] = st.integers(min_value=1, max_value=5)
        else:
            arguments[name] = st.one_of(st.sampled_from(["1", "x", "²", "..", "a" * 300]), values)
    return st.fixed_dictionaries(arguments)


def url_for_rule(rule, arguments: dict) -> str | None:
    from urllib.parse import quote

    url = rule.rule
    for name, value in arguments.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(str(value), safe=""), url)
    return url


@pytest.mark.parametrize("role", ["anonymous", "seeker", "owner", "official", "admin"])
def test_no_page_answers_500(app, client, role):
    world = seed()
    if role != "anonymous":
        as_user(client, db.session.get(User, world.ids[role]))
    token = csrf_token(client, "/auth/login" if role == "anonymous" else "/")
    pool = names_the_app_reads()
    page_fields: dict[str, list[str]] = {}

    def fields_of(url: str) -> list[str]:
        """The form fields of the page at URL (what its POST expects), else the app's names."""
        if url not in page_fields:
            page = client.get(url)
            found = (
                FIELD_NAMES.findall(page.get_data(as_text=True)) if page.status_code == 200 else []
            )
            page_fields[url] = sorted(set(found) - {"csrf_token"}) or pool
        return page_fields[url]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def every_route(data) -> None:
        for rule in routes(app):
            url = url_for_rule(rule, data.draw(path_values(rule), label=rule.rule))
            if "GET" in rule.methods:
                query = data.draw(st.dictionaries(st.sampled_from(pool), values, max_size=5))
                response = client.get(url, query_string=query)
                assert response.status_code != 500, (role, "GET", url, query)
            if "POST" in rule.methods:
                names = st.sampled_from(fields_of(url) if "GET" in rule.methods else pool)
                form = data.draw(st.dictionaries(names, values, max_size=8))
                response = client.post(url, data={**form, "csrf_token": token})
                assert response.status_code != 500, (role, "POST", url, form)

    assert len(routes(app)) > 80  # the pages were found
    every_route()
