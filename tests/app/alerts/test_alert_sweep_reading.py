"""From the seeker's side: a search typed into the job page (a place, English filler, an
English job word, a trade cut from its 工) is saved with the page's own form, an employer
posts a job it should find and one it should not, and the alert sweep's mail and
notification list what the search page lists for the same words. On SQLite and PostgreSQL,
with the real queue and embedded index."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.alerts.tasks import send_alerts
from app.dev.routes import read_outbox
from app.extensions import db
from app.models import AlertFrequency, Notification, Role, utcnow
from app.queue import DERIVED
from tests import factories
from tests.app.jobs.test_search_english import JIANG_AN, ZUNYI, jobs, titles  # noqa: F401
from tests.web import as_user

pytestmark = pytest.mark.usefixtures("jobs")  # the places, and jobs already posted in them

JIANG_AN_COUNTY = "511523"  # Jiang'an in English too: 江安县, Yibin (Sichuan)

SEARCHES = [
    # (typed, reader's language, the new job it finds, the new job it must not)
    ("nurse Wuhan", "en", ("儿科护士", JIANG_AN), ("儿科护士", ZUNYI)),
    ("jobs in Wuhan", "en", ("仓库理货员", JIANG_AN), ("仓库理货员", ZUNYI)),
    ("forklift", "en", ("叉车工", ZUNYI), ("装卸工", ZUNYI)),
    ("护士 武汉", "zh", ("儿科护士", JIANG_AN), ("儿科护士", ZUNYI)),
    ("武汉保安", "zh", ("物业保安", JIANG_AN), ("物业保安", ZUNYI)),
    ("钢筋工", "zh", ("钢筋班组长", ZUNYI), ("木工班组长", ZUNYI)),
]


def save_from_the_page(client, typed: str, language: str) -> None:
    """Search, then press "Save this search" with instant alerts: the page's own form."""
    html = client.get(f"/jobs/?q={typed}", headers={"Accept-Language": language}).get_data(True)
    form = re.search(
        r'<form method="post" action="/saved-searches" id="save-search".*?</form>', html, re.S
    )
    assert form, "the search page offers no save form"
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    fields = {name: unescape(value) for name, value in hidden}
    assert fields.get("q") == typed  # saved as typed: the alert reads it as the page does
    response = client.post("/saved-searches", data={**fields, "frequency": "instant"})
    assert response.status_code == 302


def post_jobs(worker, *titled: tuple[str, str]) -> list[int]:
    employer = factories.employer(name="新岗位公司")
    posted = [
        factories.job(employer, title=title, region_code=region, skills=[])
        for title, region in titled
    ]
    for job in posted:
        job.published_at = utcnow()  # after the search was saved
    db.session.commit()
    worker(DERIVED)
    return [job.id for job in posted]


def alert_mail(seeker, worker) -> str:
    assert send_alerts(AlertFrequency.INSTANT) == 1
    worker()
    (mail,) = [m for m in read_outbox() if m["to"] == seeker.email]
    return mail["body"]


@pytest.mark.parametrize(("typed", "language", "wanted", "unwanted"), SEARCHES)
def test_the_alert_of_a_search_saved_from_the_page_lists_what_the_page_lists(
    client, worker, typed, language, wanted, unwanted
):
    seeker = as_user(client, factories.user(Role.SEEKER, locale=language))
    save_from_the_page(client, typed, language)
    found, other = post_jobs(worker, wanted, unwanted)

    page = titles(client, f"/jobs/?q={typed}")
    assert wanted[0] in page, page
    body = alert_mail(seeker, worker)
    assert f"/jobs/{found}" in body and f"/jobs/{other}" not in body, body
    note = db.session.query(Notification).filter_by(user_id=seeker.id).one()
    assert note.kind == "saved_search_alert"


def test_a_place_both_cities_have_is_the_one_the_page_chose_for_this_seeker(client, worker):
    """Jiang'an is 江岸区 (Wuhan) and 江安县 (Yibin): the page reads the one near the seeker's
    home, and so must their alert."""
    seeker = as_user(client, factories.user(Role.SEEKER, region_code=JIANG_AN_COUNTY, locale="en"))
    save_from_the_page(client, "cook Jiang'an", "en")
    near, far = post_jobs(worker, ("川菜厨师", JIANG_AN_COUNTY), ("湘菜厨师", JIANG_AN))

    assert titles(client, "/jobs/?q=cook Jiang'an") == ["川菜厨师"]
    body = alert_mail(seeker, worker)
    assert f"/jobs/{near}" in body and f"/jobs/{far}" not in body, body
