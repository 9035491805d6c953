"""Schemathesis against the live API: requests generated from /api/v1/openapi.json, sent
anonymously and with a token of each role (seeker, employer, official, admin), must never get
a 5xx, every response must match the document (status code, content type, body schema),
invalid inputs must be refused with a 4xx, and valid ones accepted unless the document
lists the refusal (see `documented_rejections`).

The app runs on a real port (werkzeug) over a seeded SQLite copy; examples are bounded so
the run takes a few minutes at most.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.config import SchemathesisConfig

from app import create_app
from app.accounts.service import create_api_token, revoke_all_tokens
from app.extensions import db
from app.models import Region, User
from tests.conftest import REGIONS, base_config
from tests.web import served_on_a_port

from .seed import seed

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
]

CALLERS = ["anonymous", "seeker", "owner", "official", "admin"]
"""Who sends the requests: nobody, then a token of each role (`owner` is an employer)."""

ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
"""Answers to a schema-valid request that are not a rejection of its data."""


def published_document() -> dict:
    """/api/v1/openapi.json as the app serves it (building it needs no database)."""
    with tempfile.TemporaryDirectory(prefix="yunpin-openapi-") as folder:
        app = create_app(base_config(Path(folder), "sqlite://"))
        return app.test_client().get("/api/v1/openapi.json").get_json()


def operations_of(document: dict):
    """(path, method, operation) for every operation of DOCUMENT."""
    for path, items in document["paths"].items():
        for method, operation in items.items():
            if method != "parameters":  # parameters shared by the path's operations
                yield path, method, operation


def documented_rejections(document: dict) -> SchemathesisConfig:
    """Schema-valid requests may still be refused with a 400 or 422 that their operation
    documents: a cursor this API did not sign, a region code that does not exist, an upper
    bound below the lower one, a screening question left unanswered. Any other refusal of
    valid data is a failure."""
    operations = []
    for path, method, operation in operations_of(document):
        documented = [s for s in ("400", "422") if s in operation["responses"]]
        if documented:
            operations.append(
                {
                    "include-path": path,
                    "include-method": method.upper(),
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ACCEPTED + documented}
                    },
                }
            )
    return SchemathesisConfig.from_dict({"operations": operations})


DOCUMENT = published_document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT, config=documented_rejections(DOCUMENT))
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory, sqlite_template, redis_server):
    folder = tmp_path_factory.mktemp("api-live")
    path = folder / "api.db"
    shutil.copy(sqlite_template, path)
    config = base_config(folder, f"sqlite:///{path}")
    del config["SERVER_NAME"]
    app = create_app(config)
    app.extensions["redis"] = redis_server
    with app.app_context():
        db.session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in REGIONS
        )
        db.session.commit()
        world = seed()
    with served_on_a_port(app) as base:
        yield base, world, app


@pytest.fixture
def headers(live_api, who) -> dict:
    """A fresh token for WHO: an earlier test's DELETE /tokens/{id} may have revoked theirs.
    The earlier ones are revoked first, so the account stays within MAX_ACTIVE_TOKENS."""
    _url, world, app = live_api
    if who == "anonymous":
        return {}
    with app.app_context():
        user = db.session.get(User, world.ids[who])
        revoke_all_tokens(user)
        secret = create_api_token(user, "schemathesis")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def has_inputs(operation) -> bool:
    return bool(operation.body or list(operation.iter_parameters()))


# Negative cases only where there is an input to make invalid.
CASES = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or has_inputs(OPERATIONS[label])
]


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(("label", "mode"), CASES)
def test_api_conforms(label, mode, who, live_api, headers):
    url = live_api[0]
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def run(case):
        case.call_and_validate(base_url=f"{url}/api/v1", headers=headers, checks=CHECKS)

    run()


def test_every_operation_with_a_cursor_documents_the_400_for_a_bad_one():
    with_cursor = [
        (path, method, operation)
        for path, method, operation in operations_of(DOCUMENT)
        if any(p["name"] == "cursor" for p in operation.get("parameters", []))
    ]
    # jobs, résumés, applications, a job's applicants, notifications, conversations,
    # saved searches
    assert len(with_cursor) == 7
    for path, method, operation in with_cursor:
        assert "application/problem+json" in operation["responses"]["400"]["content"], (
            path,
            method,
        )
