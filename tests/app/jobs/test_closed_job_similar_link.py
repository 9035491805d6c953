"""A closed job's "Find jobs like it" leads to a search, even when its title is longer than
the search box takes."""

from __future__ import annotations

import html
import re
from datetime import datetime

from app.extensions import db
from app.jobs.search import MAX_QUERY
from app.models import JobStatus
from tests import factories

EN = {"Accept-Language": "en"}


def similar_link(client, title: str) -> str:
    job = factories.job(
        factories.employer(),
        title=title,
        closed_at=datetime(2026, 12, 1),
    )
    job.status = JobStatus.CLOSED
    db.session.commit()
    notice = client.get(f"/jobs/{job.id}", headers=EN)
    assert notice.status_code == 410
    page = notice.get_data(as_text=True)
    return html.unescape(re.search(r'href="([^"]+)">Find jobs like it<', page).group(1))


def test_a_120_character_title_is_cut_at_a_word_to_what_the_box_takes(client):
    title = ("Senior forklift operator night shift warehouse " * 3)[:120]
    link = similar_link(client, title)
    search = client.get(link, headers=EN)
    assert search.status_code == 200
    q = search.get_data(as_text=True)
    typed = re.search(r'<input[^>]*name="q"[^>]*value="([^"]*)"', q).group(1)
    assert len(typed) <= MAX_QUERY and title.startswith(typed) and title[len(typed)] == " "
    assert "too long" not in q


def test_a_title_without_spaces_is_cut_at_the_box_length(client):
    title = "仓" * 120
    search = client.get(similar_link(client, title), headers=EN)
    assert search.status_code == 200 and "too long" not in search.get_data(as_text=True)
    assert "仓" * MAX_QUERY + '"' in search.get_data(as_text=True)
