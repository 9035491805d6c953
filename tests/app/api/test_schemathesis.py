"""Schemathesis against the live API: generated requests from /api/v1/openapi.json, as a
seeker and as an employer, must never get a 5xx and every response must match the document
(status code, content type, body schema). Invalid inputs must be refused with a 4xx.

The app runs on a real port (werkzeug) over a seeded SQLite copy; examples are bounded so
the run takes a few minutes at most.
"""

from __future__ import annotations

import shutil
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from werkzeug.serving import make_server

from app import create_app
from app.api.openapi import document
from app.extensions import db
from app.models import Region
from tests.conftest import REGIONS, base_config

from .seed import seed

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", world
    server.shutdown()
    thread.join(timeout=5)


SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def has_inputs(operation) -> bool:
    return bool(operation.body or list(operation.iter_parameters()))


# Negative cases only where there is an input to make invalid.
CASES = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or has_inputs(OPERATIONS[label])
]


@pytest.mark.parametrize("who", ["seeker", "owner"])
@pytest.mark.parametrize(("label", "mode"), CASES)
def test_api_conforms(label, mode, who, live_api):
    url, world = live_api
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def run(case):
        case.call_and_validate(base_url=f"{url}/api/v1", headers=headers, checks=CHECKS)

    run()
