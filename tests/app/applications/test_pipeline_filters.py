"""A pipeline filter the page cannot use is said beside its field and left out, as the job
search does, not silently ignored."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Resume
from tests import factories
from tests.web import as_user

from .helpers import world

EN = {"Accept-Language": "en"}


def test_a_minimum_match_that_is_no_number_is_said_at_its_field(client):
    owner, _employer, job, candidate = world()
    resume = db.session.scalar(select(Resume).where(Resume.user_id == candidate.id))
    factories.application(candidate, job, resume_id=resume.id)
    db.session.commit()
    as_user(client, owner)
    for typed in ("abc", "150", "nan"):
        answer = client.get(f"/applications/jobs/{job.id}?min_score={typed}", headers=EN)
        assert answer.status_code == 400
        page = answer.get_data(as_text=True)
        field = re.search(r'<input id="f-score"[^>]*>', page).group(0)
        assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
        error = '<p class="error" id="f-score-error">Enter a match from 0 to 100 percent.'
        assert error in page and "It was left out of this list." in page
        assert "李雷" in page  # the list, without that filter

    fine = client.get(f"/applications/jobs/{job.id}?min_score=0", headers=EN)
    assert fine.status_code == 200 and "f-score-error" not in fine.get_data(as_text=True)


def test_a_download_holds_what_the_page_lists_and_refuses_a_filter_it_cannot_use(client):
    owner, _employer, job, candidate = world()
    resume = db.session.scalar(select(Resume).where(Resume.user_id == candidate.id))
    factories.application(candidate, job, resume_id=resume.id, stage="screening")
    db.session.commit()
    as_user(client, owner)
    page = client.get(f"/applications/jobs/{job.id}?min_score=abc&stage=screening", headers=EN)
    link = re.search(r'href="([^"]*export\.csv[^"]*)"', page.get_data(as_text=True)).group(1)
    assert "stage=screening" in link and "min_score" not in link
    download = client.get(link.replace("&amp;", "&"), headers=EN)
    assert download.status_code == 200 and "李雷" in download.get_data(as_text=True)

    refused = client.get(f"/applications/jobs/{job.id}/export.csv?min_score=abc", headers=EN)
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "Enter a match from 0 to 100 percent." in refused.get_data(as_text=True)
    in_chinese = client.get(
        f"/applications/jobs/{job.id}/export.csv?min_score=abc", headers={"Accept-Language": "zh"}
    )
    assert in_chinese.status_code == 400 and in_chinese.mimetype == "text/html"
    assert "请输入 0 到 100 之间的匹配度（百分比）。" in in_chinese.get_data(as_text=True)
