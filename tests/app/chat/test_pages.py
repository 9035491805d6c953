"""The conversation pages: sending, the unread badge, sharing the résumé (which lets the
employer open it), exchanging contacts only when both agree, blocking, the digest mail."""

from __future__ import annotations

import re

from app import create_app
from app.chat import service
from app.chat.tasks import digest
from app.extensions import db
from app.models import Conversation, Notification, Role, Visibility
from app.queue import get_queue
from tests import factories
from tests.web import as_user, post_form


def setup_conversation():
    candidate = factories.user(Role.SEEKER, phone="13800000001", locale="en")
    resume = factories.resume(candidate, visibility=Visibility.HIDDEN)
    owner = factories.user(Role.EMPLOYER, phone="02788888888", locale="en")
    employer = factories.employer(owner)
    job = factories.job(employer)
    conversation, _made = service.open_for_job(candidate, job)
    db.session.commit()
    return candidate, owner, conversation, resume


def test_send_badge_share_contact_block(app, client):
    candidate, owner, conversation, resume = setup_conversation()
    url = f"/conversations/{conversation.id}"
    as_user(client, candidate)
    sent = post_form(
        client, url + "/messages", {"text": "<script>alert(1)</script>"}, token_from=url
    )
    assert sent.status_code == 302
    # Sent, scheduled for a digest if it stays unread.
    assert get_queue(app).scheduled_job_registry.count == 1

    as_user(client, owner)
    page = client.get("/conversations").get_data(as_text=True)
    assert 'id="chat-unread"' in page
    assert client.get("/conversations/unread.json").json == {"unread": 1}  # the live badge
    html = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert client.get(f"/resumes/{resume.id}").status_code == 404  # hidden, not applied

    as_user(client, candidate)
    post_form(client, url + "/share-resume", {}, token_from=url)
    as_user(client, owner)
    assert client.get(f"/resumes/{resume.id}").status_code == 200

    # Contacts: phone and WeChat masked until both sides agree.
    post_form(client, url + "/contact", {"wechat": "a b"}, token_from=url)
    assert "A WeChat ID is 6 to 20" in client.get(url).get_data(as_text=True)
    db.session.refresh(conversation)
    assert not conversation.employer_shares_contact  # refused: nothing agreed
    post_form(client, url + "/contact", {"wechat": "jiangan_hr"}, token_from=url)
    html = client.get(url).get_data(as_text=True)
    assert "13800000001" not in html and "138****0001" in html
    as_user(client, candidate)
    html = client.get(url).get_data(as_text=True)
    assert "jiangan_hr" not in html and "ji****hr" in html
    assert "02788888888" not in html and "027****8888" in html
    post_form(client, url + "/contact", {"wechat": "lilei2026"}, token_from=url)
    html = client.get(url).get_data(as_text=True)
    assert "13800000001" in html and "02788888888" in html
    assert "jiangan_hr" in html and "lilei2026" in html

    post_form(client, url + "/block", {}, token_from=url)
    as_user(client, owner)
    refused = post_form(
        client,
        url + "/messages",
        {"text": "hello"},
        token_from=url,
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 409


def test_digest_mails_only_what_stays_unread(app, worker):
    from app.dev.routes import read_outbox

    candidate, owner, conversation, _resume = setup_conversation()
    service.send(conversation, candidate, "您好")
    db.session.commit()
    second = service.send(conversation, candidate, "还招人吗？")
    db.session.commit()
    # One digest waits per conversation and side, however many messages.
    assert get_queue(app).scheduled_job_registry.count == 1
    assert digest(conversation.id, "candidate") == 1
    worker()
    (mail,) = read_outbox()
    assert mail["to"] == owner.email and "还招人吗？" in mail["body"]
    service.mark_read(db.session.get(Conversation, conversation.id), owner, second.id)
    db.session.commit()
    assert digest(conversation.id, "candidate") == 0


def test_reply_time_and_active_today(client):
    from datetime import timedelta

    candidate, owner, conversation, _resume = setup_conversation()
    question = service.send(conversation, candidate, "在吗")
    answer = service.send(conversation, owner, "在的")
    db.session.flush()
    answer.created_at = question.created_at + timedelta(minutes=12)
    db.session.commit()
    found = service.responsiveness(conversation.employer_id)
    assert found.median_reply_s == 12 * 60 and found.answered == found.asked == 1
    assert found.active_today
    for url in (f"/jobs/{conversation.job_id}", f"/employers/{conversation.employer_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Usually replies within 12 minutes" in page and "Active today" in page, url

    # Two days ago nobody is "active today"; a question older than 30 days, answered five
    # hours later, is out of the median's window.
    question.created_at -= timedelta(days=2)
    answer.created_at -= timedelta(days=2)
    old_candidate = factories.user(Role.SEEKER)
    old, _made = service.open_for_job(old_candidate, conversation.job)
    old_question = service.send(old, old_candidate, "还招吗")
    old_answer = service.send(old, owner, "招")
    db.session.flush()
    old_question.created_at = question.created_at - timedelta(days=40)
    old_answer.created_at = old_question.created_at + timedelta(hours=5)
    db.session.commit()
    found = service.responsiveness(conversation.employer_id)
    assert found.median_reply_s == 12 * 60 and found.asked == 1
    assert not found.active_today


def test_employer_chats_with_an_invited_candidate(client):
    from app.applications.service import invite

    candidate, owner, _conversation, resume = setup_conversation()
    resume.visibility = Visibility.PUBLIC
    other_job = factories.job(owner.employer, title="仓管")
    invitation, _made = invite(other_job, candidate, owner)
    url = f"/invitations/{invitation.id}/conversation"
    stranger = factories.user(Role.EMPLOYER)
    factories.employer(stranger)
    db.session.commit()

    as_user(client, stranger)
    assert post_form(client, url, {}, token_from="/conversations").status_code == 404
    as_user(client, candidate)
    assert post_form(client, url, {}, token_from="/conversations").status_code == 403
    as_user(client, owner)
    page = client.get(f"/resumes/{resume.id}").get_data(as_text=True)
    assert url in page  # the résumé lists the invitation with a "Chat" button
    opened = post_form(client, url, {}, token_from=f"/resumes/{resume.id}")
    assert opened.status_code == 302 and opened.location.startswith("/conversations/")
    made = db.session.scalar(db.select(Conversation).where(Conversation.job_id == other_job.id))
    assert made.candidate_id == candidate.id and made.started_by == "employer"


def test_each_side_lifts_only_its_own_block(client):
    candidate, owner, conversation, _resume = setup_conversation()
    url = f"/conversations/{conversation.id}"
    as_user(client, candidate)
    post_form(client, url + "/block", {}, token_from=url)
    page = client.get(url).text
    assert "You blocked this conversation." in page and ">Unblock<" in page

    as_user(client, owner)
    page = client.get(url).text
    assert "The candidate blocked this conversation." in page and ">Unblock<" not in page
    post_form(client, url + "/unblock", {}, token_from=url)
    page = client.get(url).text
    assert "This conversation is blocked by the other side: only they can unblock it." in page
    assert "Conversation unblocked." not in page
    db.session.refresh(conversation)
    assert conversation.blocked_by_candidate and not conversation.blocked_by_employer

    # The company blocks too: the candidate's unblock then leaves the company's block.
    post_form(client, url + "/block", {}, token_from=url)
    as_user(client, candidate)
    assert "You and the company both blocked this conversation." in client.get(url).text
    post_form(client, url + "/unblock", {}, token_from=url)
    page = client.get(url).text
    assert "Your block is lifted." in page
    assert "The company blocked this conversation." in page
    db.session.refresh(conversation)
    assert conversation.blocked and not conversation.blocked_by_candidate

    as_user(client, owner)
    post_form(client, url + "/unblock", {}, token_from=url)
    page = client.get(url).text
    assert "Conversation unblocked." in page and 'id="compose"' in page
    db.session.refresh(conversation)
    assert not conversation.blocked


def test_a_report_is_the_reporters_own_block(client):
    candidate, owner, conversation, _resume = setup_conversation()
    url = f"/conversations/{conversation.id}"
    as_user(client, owner)
    post_form(client, url + "/block", {}, token_from=url)
    as_user(client, candidate)
    post_form(client, url + "/report", {"reason": "要求先交押金"}, token_from=url)
    db.session.refresh(conversation)
    assert conversation.reported_at is not None
    assert conversation.blocked_by_candidate and conversation.blocked_by_employer

    as_user(client, owner)
    post_form(client, url + "/unblock", {}, token_from=url)
    db.session.refresh(conversation)
    assert conversation.blocked_by_candidate and not conversation.blocked_by_employer
    assert "The candidate blocked this conversation." in client.get(url).text


def test_a_report_reaches_the_officials_of_the_employers_region(client):
    candidate, _owner, conversation, _resume = setup_conversation()  # employer in 江岸区
    district = factories.user(Role.OFFICIAL, region_code="420102")
    city = factories.user(Role.OFFICIAL, region_code="4201")
    elsewhere = factories.user(Role.OFFICIAL, region_code="420103")
    url = f"/conversations/{conversation.id}"
    as_user(client, candidate)
    post_form(client, url + "/report", {"reason": "要求先交押金"}, token_from=url)

    def told(user):
        return db.session.scalars(
            db.select(Notification).filter_by(user_id=user.id, kind="conversation_reported")
        ).all()

    assert len(told(district)) == 1 and len(told(city)) == 1 and told(elsewhere) == []
    as_user(client, district)
    assert client.get(told(district)[0].link).status_code == 200  # the link opens it


def test_the_send_limit_counts_per_account_not_per_address(app, redis_server):
    """30 a minute for each person: a colleague behind the same address still sends."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    limited.extensions["redis"] = redis_server
    client = limited.test_client()
    candidate, owner, conversation, _resume = setup_conversation()
    url = f"/conversations/{conversation.id}"

    def send(text):
        return post_form(
            client,
            url + "/messages",
            {"text": text},
            token_from=url,
            headers={"Accept": "application/json"},
        ).status_code

    as_user(client, candidate)
    statuses = [send(f"第{n}条") for n in range(31)]
    as_user(client, owner)
    assert statuses[:30] == [201] * 30 and statuses[30] == 429
    assert send("收到") == 201


def test_officials_see_who_reported_and_whose_block_stands(client):
    candidate, owner, conversation, _resume = setup_conversation()
    official = factories.user(Role.OFFICIAL, region_code="420102", locale="en")
    url = f"/conversations/{conversation.id}"
    as_user(client, candidate)
    post_form(client, url + "/messages", {"text": "我的身份证照片已经发了"}, token_from=url)
    as_user(client, owner)
    post_form(client, url + "/report", {"reason": "asks for my ID card photo"}, token_from=url)

    as_user(client, official)
    page = client.get(url).text
    assert "Reported by the company" in page and "asks for my ID card photo" in page
    # each message says whose it is: the official is neither side
    sender = re.search(
        r'<p class="sender">(\w+)</p>\s*<p class="text">我的身份证照片已经发了', page
    )
    assert sender and sender.group(1) == "Candidate"
    assert "The company blocked it: no messages can be sent until the company unblocks it." in page
    listed = client.get("/officials/conversations").text
    assert "Reported by the company" in listed and "Blocked" in listed

    as_user(client, owner)
    post_form(client, url + "/unblock", {}, token_from=url)
    as_user(client, official)
    assert "Neither side blocks it: both can still send messages." in client.get(url).text
    assert "Blocked" not in client.get("/officials/conversations").text
