"""Why an interview was cancelled reaches each reader in their own language: the reason is
stored as a code (the job closed, taken down, or which side cancelled it) and what a person
typed as they typed it; notifications, the interview page and the API say it in the
reader's language, and a take-down names the regional officials, never one of them."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Interview, InterviewStatus, Notification, Role
from tests import factories
from tests.app.jobs.affected import booked
from tests.app.jobs.test_report_decisions import reported
from tests.web import as_user, post_form

from .helpers import world

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


def notification(user) -> Notification:
    return db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "interview_cancelled"
        )
    ).one()


def page(client, user, url: str, headers: dict) -> str:
    """URL as USER reads it: in their account's language, else their browser's (not the one
    the last user signed out in, which the sign-out keeps for the browser)."""
    as_user(client, user)
    client.delete_cookie("lang", domain=client.application.config["SERVER_NAME"])
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_close_by_an_english_employer_reads_in_chinese_to_a_chinese_candidate(app, client):
    w = world()
    w["owner"].locale, w["candidate"].locale, w["colleague"].locale = "en", "zh", "en"
    interview = booked(client, w)
    as_user(client, w["owner"])
    closed = post_form(
        client,
        f"/employers/mine/jobs/{w['job'].id}/close",
        {"confirmed": "1"},
        token_from="/employers/mine",
        headers=EN,
    )
    assert closed.status_code == 302
    db.session.expire_all()
    interview = db.session.get(Interview, interview.id)
    assert interview.status == InterviewStatus.CANCELLED
    assert (interview.cancel_reason, interview.cancel_note) == ("job_closed", "")
    told = notification(w["candidate"])
    assert told.params == {"job": w["job"].title, "reason": "job_closed", "by": "招聘经理"}

    link = f"/video/interviews/{interview.id}"
    chinese = page(client, w["candidate"], "/notifications", ZH)
    assert f"“{w['job'].title}”的面试已被招聘经理取消：职位已关闭。" in chinese
    assert "The job was closed." not in chinese
    assert "已取消</strong>：职位已关闭。" in page(client, w["candidate"], link, ZH)
    # The colleague who set it up reads English, whoever closed it.
    english = page(client, w["colleague"], "/notifications", EN)
    assert f"The interview for {w['job'].title} was cancelled by 招聘经理: The job was closed." in (
        english
    )
    assert "Cancelled</strong>: The job was closed." in page(client, w["colleague"], link, EN)

    # The API gives the code and the text in the requester's language.
    token = create_api_token(w["candidate"], "tests")
    db.session.commit()
    program = app.test_client()  # a program's own requests: no browser's cookies
    for headers, text in (
        (ZH, f"“{w['job'].title}”的面试已被招聘经理取消：职位已关闭。"),
        (EN, f"The interview for {w['job'].title} was cancelled by 招聘经理: The job was closed."),
    ):
        listed = program.get(
            "/api/v1/notifications", headers={"Authorization": f"Bearer {token}", **headers}
        ).get_json()["items"]
        (item,) = [n for n in listed if n["kind"] == "interview_cancelled"]
        assert item["params"]["reason"] == "job_closed"
        assert item["text"] == text


def test_a_take_down_says_the_regional_officials_on_the_interview_page(app, client):
    w = world()
    interview = booked(client, w)
    item = reported(w["job"])
    official = factories.user(Role.OFFICIAL, name="区人社局审核员")
    as_user(client, official)
    post_form(
        client,
        f"/officials/reports/{item.id}/uphold",
        {"close_job": "y"},
        token_from="/officials/reports",
    )
    link = f"/video/interviews/{interview.id}"
    for user in (w["candidate"], w["owner"]):
        shown = page(client, user, link, EN)
        assert (
            "Cancelled</strong>: The posting was removed after a review by the regional officials."
            in shown
        )
        assert official.name not in shown
        assert official.name not in page(client, user, "/notifications", EN)
    assert "该职位经地区主管部门审查后已下架。" in page(client, w["candidate"], link, ZH)


def test_a_person_who_cancels_is_said_from_each_side_with_their_own_words(app, client):
    w = world()
    interview = booked(client, w)
    as_user(client, w["owner"])
    link = f"/video/interviews/{interview.id}"
    response = post_form(
        client, f"{link}/cancel", {"reason": "  岗位临时冻结  "}, token_from=link, headers=EN
    )
    assert response.status_code == 303
    db.session.expire_all()
    interview = db.session.get(Interview, interview.id)
    assert (interview.cancel_reason, interview.cancel_note) == (
        "employer_cancelled",
        "岗位临时冻结",
    )
    assert notification(w["candidate"]).params == {
        "job": w["job"].title,
        "reason": "employer_cancelled",
        "by": "招聘经理",
        "note": "岗位临时冻结",
    }
    candidate_reads = page(client, w["candidate"], link, EN)
    assert "Cancelled</strong>: The employer cancelled it." in candidate_reads
    assert "Reason given: 岗位临时冻结" in candidate_reads
    assert "Cancelled</strong>: Your team cancelled it." in page(client, w["colleague"], link, EN)
    assert f"The interview for {w['job'].title} was cancelled by 招聘经理: 岗位临时冻结" in page(
        client, w["candidate"], "/notifications", EN
    )


def test_a_cancel_without_words_says_who_and_no_dash(app, client):
    w = world()
    interview = booked(client, w)
    as_user(client, w["candidate"])
    link = f"/video/interviews/{interview.id}"
    assert post_form(client, f"{link}/cancel", {"reason": ""}, token_from=link).status_code == 303
    shown = page(client, w["owner"], "/notifications", EN)
    assert f"The interview for {w['job'].title} was cancelled by 李雷." in shown
    assert "李雷: -" not in shown
    owner_reads = page(client, w["owner"], link, EN)
    assert "Cancelled</strong>: The candidate cancelled it." in owner_reads
    assert "Reason given" not in owner_reads
    assert "Cancelled</strong>: You cancelled it." in page(client, w["candidate"], link, EN)


def test_typed_words_that_look_like_a_code_stay_words(app, client):
    """Nobody can make the other side read "cancelled by the regional officials"."""
    w = world()
    interview = booked(client, w)
    as_user(client, w["candidate"])
    link = f"/video/interviews/{interview.id}"
    post_form(client, f"{link}/cancel", {"reason": "job_taken_down"}, token_from=link)
    shown = page(client, w["owner"], "/notifications", EN)
    assert f"The interview for {w['job'].title} was cancelled by 李雷: job_taken_down" in shown
    assert "regional officials" not in shown
