"""A count of one reads in the singular in English ("1 opening", not "1 openings"), and the
same text in Chinese, which has one form, still carries the count."""

from __future__ import annotations

from flask_babel import force_locale, ngettext, refresh

from app.extensions import db
from app.models import Notification, Role
from app.notifications.service import render
from tests import factories


def test_a_job_with_one_opening_says_so_in_english(app, client):
    employer = factories.employer(owner=factories.user(Role.EMPLOYER))
    one = factories.job(employer, headcount=1)
    three = factories.job(employer, headcount=3, title="会计")
    db.session.commit()

    page = client.get(f"/jobs/{one.id}").get_data(as_text=True)
    assert "1 opening" in page and "1 openings" not in page
    assert "3 openings" in client.get(f"/jobs/{three.id}").get_data(as_text=True)

    refresh()  # the test's app context outlives the request and keeps the locale chosen for it
    chinese = app.test_client()
    chinese.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"
    assert "招 1 人" in chinese.get(f"/jobs/{one.id}").get_data(as_text=True)


def test_counted_messages_built_in_python_pick_the_form(app):
    alert = Notification(kind="saved_search_alert", params={"count": 1, "name": "会计"})
    with app.test_request_context():
        with force_locale("en"):
            assert render(alert) == "1 new job for your saved search “会计”"
            alert.params = {"count": 2, "name": "会计"}
            assert render(alert) == "2 new jobs for your saved search “会计”"
            assert (
                ngettext("%(num)d applicant moved.", "%(num)d applicants moved.", 1)
                == "1 applicant moved."
            )
        with force_locale("zh"):
            assert render(alert) == "您保存的搜索“会计”有 2 个新职位"
            assert (
                ngettext("%(num)d claim updated.", "%(num)d claims updated.", 1)
                == "已更新 1 条申领。"
            )
