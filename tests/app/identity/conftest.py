"""Shared fixtures for the identity-check tests: the people involved and a stored result."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.identity import service as identity
from app.models import IdentityCheck, Role
from tests import factories

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"


def liveness_result(room_id: str, snapshots: list[str], passed: bool = True) -> dict:
    """A final result shaped like the media server's (docs/video.md)."""
    return {
        "room_id": room_id,
        "state": "done",
        "face_present": True,
        "passed": passed,
        "snapshots": snapshots,
        "prompts": [
            {
                "id": "turn_left",
                "text_zh": "请向左转头",
                "text_en": "Turn your head to your left",
                "passed": True,
            },
            {
                "id": "blink",
                "text_zh": "请慢慢眨一下眼睛",
                "text_en": "Blink slowly",
                "passed": passed,
            },
            {
                "id": "digits",
                "text_zh": "请大声读出这四个数字",
                "text_en": "Read these four digits aloud",
                "passed": True,
                "digits": "4821",
            },
        ],
        "message": "自动检查通过 / Automatic checks passed",
    }


def write_snapshots(app, check: IdentityCheck, names: list[str]) -> Path:
    folder = Path(app.config["VIDEO_SNAPSHOT_DIR"]) / check.room_id
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(JPEG)
    return folder


def checked(app, employer, starter, names=("aaaa.jpg", "bbbb.jpg")) -> IdentityCheck:
    """A check whose result is stored, with its snapshot files on disk."""
    with app.test_request_context(method="POST"):
        check = identity.start(employer, starter)
        write_snapshots(app, check, list(names))
        identity.store_result(check, liveness_result(check.room_id, list(names)))
    db.session.commit()
    return check


@pytest.fixture
def people(app):
    """An employer and its owner, an official covering it, and people who must not see its checks."""
    owner = factories.user(Role.EMPLOYER, name="王五")
    employer = factories.employer(
        owner=owner, region_code="420102001001", verified=False, legal_rep_name="王五"
    )
    other_owner = factories.user(Role.EMPLOYER)
    factories.employer(owner=other_owner, region_code="420102001001")
    people = SimpleNamespace(
        owner=owner,
        employer=employer,
        other_owner=other_owner,
        official=factories.user(Role.OFFICIAL, region_code="420102"),
        outsider=factories.user(Role.OFFICIAL, region_code="52"),
        neighbour=factories.user(Role.OFFICIAL, region_code="420103"),
        candidate=factories.user(Role.SEEKER),
    )
    db.session.commit()
    return people
