"""The applicants' CSV gives times as the pages do: in the reader's zone, named in the header."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from app.extensions import db
from tests import factories
from tests.web import as_user

from .helpers import world


def exported(client, job_id: int, language: str) -> list[list[str]]:
    response = client.get(
        f"/applications/jobs/{job_id}/export.csv", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff"))))


def test_applied_times_are_local_and_the_header_names_the_zone(client):
    owner, _employer, job, candidate = world()
    factories.application(candidate, job, created_at=datetime(2026, 12, 4, 14, 54))  # UTC
    db.session.commit()
    as_user(client, owner)

    header, row = exported(client, job.id, "en")
    column = header.index("Applied (Beijing time)")
    assert row[column] == "2026-12-04 22:54"
    header, row = exported(client, job.id, "zh")
    assert "北京时间" in header[column] and row[column] == "2026-12-04 22:54"

    owner.timezone = "Europe/Berlin"  # a reader who chose another zone reads it there
    db.session.commit()
    header, row = exported(client, job.id, "en")
    assert header[column] == "Applied (Berlin time)" and row[column] == "2026-12-04 15:54"
