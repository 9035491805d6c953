"""What an employer writes about the company and its jobs keeps the lines it was typed in,
escaped as all text is."""

from __future__ import annotations

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user


def test_the_company_description_keeps_its_line_breaks(client):
    employer = factories.employer(description="Line A\r\nLine B\n\n<b>Line C</b>")
    db.session.commit()
    page = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert '<div class="prose"><p>Line A<br>\nLine B</p>\n<p>&lt;b&gt;Line C&lt;/b&gt;</p>' in page


def test_the_job_description_keeps_its_line_breaks_and_its_lists(client):
    employer = factories.employer()
    job = factories.job(employer, description="负责装卸\n盘点库存\n\n- 夜班\n- 周末")
    db.session.commit()
    as_user(client, factories.user(Role.SEEKER, locale="zh"))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<p>负责装卸<br>\n盘点库存</p>\n<ul>\n<li>夜班</li>\n<li>周末</li>\n</ul>" in page
