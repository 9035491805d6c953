"""The pipeline page's stage counts: an empty stage is muted, not a red alarm; a closed job
says so above its applicants."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import JobStatus, Role, Stage
from tests import factories
from tests.web import as_user

from .helpers import world


def badges(page: str) -> dict[str, str]:
    """Each stage's count badge: stage value → its class attribute and number."""
    found = re.findall(r'stage=(\w+)"[^>]*>[^<]*<span class="([^"]+)">(\d+)</span>', page)
    return {stage: f"{classes}:{count}" for stage, classes, count in found}


def test_empty_stages_are_muted_and_a_closed_job_says_so(client):
    owner, _employer, job, candidate = world()
    factories.application(candidate, job, stage=Stage.SCREENING)
    db.session.commit()
    as_user(client, owner)
    page = client.get(f"/applications/jobs/{job.id}", headers={"Accept-Language": "en"})
    shown = badges(page.get_data(as_text=True))
    assert shown["screening"] == "badge:1"
    assert shown["new"] == shown["hired"] == "badge badge--zero:0"
    assert 'class="table-scroll"' in page.get_data(as_text=True)
    assert "This job is closed" not in page.get_data(as_text=True)

    job.status = JobStatus.CLOSED
    db.session.commit()
    page = client.get(f"/applications/jobs/{job.id}", headers={"Accept-Language": "en"})
    assert "This job is closed: it no longer takes applications." in page.get_data(as_text=True)


def test_the_list_of_jobs_counts_new_applicants_and_leads_to_them(client):
    """What an employer opens the list for: who applied since it last looked."""
    owner, employer, job, candidate = world()
    factories.application(candidate, job)  # new
    other = factories.user(Role.SEEKER)
    factories.resume(other)
    factories.application(other, job, stage=Stage.SCREENING)
    quiet = factories.job(employer, title="仓管员")
    db.session.commit()
    as_user(client, owner)
    page = client.get("/applications/jobs", headers={"Accept-Language": "en"})
    rows = re.findall(r"<tr><td>(.*?)</tr>", page.get_data(as_text=True), re.S)
    (busy,) = [row for row in rows if f'/applications/jobs/{job.id}"' in row]
    assert "<td>2</td>" in busy
    assert f'/applications/jobs/{job.id}?stage=new"><span class="badge">1</span>' in busy
    (idle,) = [row for row in rows if f'/applications/jobs/{quiet.id}"' in row]
    assert idle.count("<td>0</td>") == 2
