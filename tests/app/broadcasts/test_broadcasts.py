"""Broadcasts from scheduling to figures: an official schedules a briefing, viewers ask and
upvote, the official moderates (approve, answer in text and on air, pin), a fair livestream
pins a job that a candidate applies to from the stream, and the figures count it all."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.broadcasts import service
from app.broadcasts.cli import broadcast_cli
from app.extensions import db
from app.models import (
    Application,
    Broadcast,
    BroadcastQuestion,
    BroadcastStatus,
    FairJob,
    JobFair,
    Notification,
    QuestionStatus,
    Role,
    Source,
    utcnow,
)
from tests import factories
from tests.web import login, post_form


def switch_to(client, user) -> None:
    post_form(client, "/auth/logout", {}, token_from="/")
    login(client, user.email, factories.PASSWORD)


def in_language(client, language: str, path: str) -> str:
    """The page at PATH in LANGUAGE (the session's explicit choice), then back to English.
    The tests' shared app context caches the locale: refresh() drops it."""
    from flask_babel import refresh

    with client.session_transaction() as session:
        session["lang"] = language
    refresh()
    text = client.get(path).get_data(as_text=True)
    with client.session_transaction() as session:
        session["lang"] = "en"
    refresh()
    return text


def questions(client, broadcast_id: int) -> list[dict]:
    return client.get(f"/broadcasts/{broadcast_id}/questions.json").get_json()["questions"]


def test_briefing_with_moderated_questions_and_figures(app, client, worker):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    asker = factories.user(Role.SEEKER, region_code="420102", email="a@example.com")
    voter = factories.user(Role.SEEKER, region_code="420103", email="v@example.com")
    db.session.commit()

    login(client, official.email, factories.PASSWORD)
    response = post_form(
        client,
        "/broadcasts/new",
        {
            "title": "稳就业政策解读",
            "description": "社保补贴怎么申请",
            "starts_at": f"{clock.today() + timedelta(days=7)}T10:00",
            "region_code": "420102",
            "fair_id": "0",
            "documents": "补贴办法 | https://example.gov.cn/policy.pdf",
        },
        token_from="/broadcasts/new",
    )
    assert response.status_code == 302
    broadcast = db.session.scalar(sa.select(Broadcast))
    assert response.headers["Location"].endswith(f"/broadcasts/{broadcast.id}/studio")
    assert broadcast.starts_at.hour == 2  # 10:00 Beijing time is 02:00 UTC
    assert broadcast.documents == [
        {"title": "补贴办法", "url": "https://example.gov.cn/policy.pdf"}
    ]
    studio = client.get(f"/broadcasts/{broadcast.id}/studio").get_data(as_text=True)
    assert "Bearer token" in studio and f"/broadcasts/{broadcast.id}/whip" in studio

    # Seekers of the region see it and ask to be reminded.
    switch_to(client, asker)
    assert "稳就业政策解读" in client.get("/broadcasts/").get_data(as_text=True)
    post_form(client, f"/broadcasts/{broadcast.id}/remind", {}, token_from="/")

    # It goes live (the WHIP proxy does this on the publisher's 201): reminders go out.
    assert service.went_live(db.session, broadcast)
    service.send_reminders(broadcast)
    db.session.commit()
    assert worker() == 2  # the reminder, then its mail
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == asker.id))
    assert note.kind == "broadcast_live" and note.link == f"/broadcasts/{broadcast.id}"

    # A question with markup is stored as plain text and waits for a moderator.
    response = post_form(
        client,
        f"/broadcasts/{broadcast.id}/questions",
        {"body": "<script>alert(1)</script>社保补贴   <b>何时</b>发放？"},
    )
    assert response.status_code == 303
    question = db.session.scalar(sa.select(BroadcastQuestion))
    assert question.body == "社保补贴 何时发放？" and question.status == QuestionStatus.PENDING
    assert questions(client, broadcast.id) == []
    empty = post_form(client, f"/broadcasts/{broadcast.id}/questions", {"body": " <i></i> "})
    assert empty.status_code == 422
    post_form(client, f"/broadcasts/{broadcast.id}/questions", {"body": "第二个问题"})
    second = db.session.scalars(sa.select(BroadcastQuestion).order_by(BroadcastQuestion.id)).all()[
        1
    ]

    # Pending questions take no votes.
    switch_to(client, voter)
    token = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    csrf = re.search(r'data-csrf="([^"]+)"', token).group(1)
    refused = client.post(f"/broadcasts/questions/{question.id}/vote", data={"csrf_token": csrf})
    assert refused.status_code == 409

    # The official approves both, answers one in text and pins it, the other on air.
    switch_to(client, official)
    for q in (question, second):
        post_form(
            client,
            f"/broadcasts/questions/{q.id}/moderate",
            {"action": "approve"},
            token_from=f"/broadcasts/{broadcast.id}/studio",
        )
    post_form(
        client,
        f"/broadcasts/questions/{question.id}/moderate",
        {"action": "answer", "answer": "每月15日前发放。"},
        token_from=f"/broadcasts/{broadcast.id}/studio",
    )
    post_form(
        client,
        f"/broadcasts/questions/{question.id}/moderate",
        {"action": "pin"},
        token_from=f"/broadcasts/{broadcast.id}/studio",
    )
    post_form(
        client,
        f"/broadcasts/questions/{second.id}/moderate",
        {"action": "on_air"},
        token_from=f"/broadcasts/{broadcast.id}/studio",
    )
    unknown = post_form(
        client,
        f"/broadcasts/questions/{second.id}/moderate",
        {"action": "delete"},
        token_from=f"/broadcasts/{broadcast.id}/studio",
    )
    assert unknown.status_code == 303  # refused with a message, nothing changed

    # Viewers see both, the pinned one first; a second vote by the same viewer is not counted.
    switch_to(client, voter)
    for _ in range(2):
        answer = client.post(f"/broadcasts/questions/{second.id}/vote", data={"csrf_token": csrf})
        assert answer.status_code == 200 and answer.get_json() == {"votes": 1}
    shown = questions(client, broadcast.id)
    assert [q["id"] for q in shown] == [question.id, second.id]
    assert shown[0]["pinned"] and shown[0]["answer"] == "每月15日前发放。"
    assert shown[1]["answered_on_air"] and shown[1]["votes"] == 1

    # Viewers beat their presence: two signed-in from two regions and one anonymous.
    page = f"/broadcasts/{broadcast.id}"
    for viewer in (voter, asker):
        switch_to(client, viewer)
        beat = post_form(client, f"{page}/presence", {}, token_from=page)
        assert beat.status_code == 200
    post_form(client, "/auth/logout", {}, token_from="/")
    beat = post_form(client, f"{page}/presence", {}, token_from=page)
    assert beat.get_json() == {"watching": 3, "status": "live"}

    login(client, official.email, factories.PASSWORD)
    figures = client.get(f"/broadcasts/{broadcast.id}/figures.json").get_json()
    assert figures["peak_viewers"] == 3 and figures["viewers"] == 3
    assert {r["region_code"]: r["viewers"] for r in figures["by_region"]} == {
        "420102": 1,
        "420103": 1,
        None: 1,
    }
    assert figures["questions_asked"] == 2 and figures["questions_answered"] == 2
    assert figures["applications"] == 0

    # Ended: questions close, the page offers the transcript.
    service.ended(db.session, broadcast)
    db.session.commit()
    switch_to(client, asker)
    closed = post_form(client, f"/broadcasts/{broadcast.id}/questions", {"body": "还有问题"})
    assert closed.status_code == 409
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "Questions and answers" in page and "每月15日前发放。" in page


def test_fair_livestream_pins_jobs_and_counts_applications(app, client):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner, region_code="420102001001")
    job = factories.job(employer, title="直播岗位")
    other = factories.job(employer, title="不在招聘会")
    candidate = factories.user(Role.SEEKER, region_code="420102", email="s@example.com")
    factories.resume(candidate)
    fair = JobFair(
        title="直播带岗",
        starts_on=clock.today(),
        ends_on=clock.today() + timedelta(1),
        region_code="420102",
        created_by_id=official.id,
    )
    db.session.add(fair)
    db.session.flush()
    db.session.add(FairJob(fair_id=fair.id, job_id=job.id))
    broadcast = service.create(
        db.session,
        title="直播带岗",
        starts_at=utcnow(),
        region_code="420102",
        host=official,
        fair=fair,
    )
    service.went_live(db.session, broadcast)
    db.session.commit()

    login(client, official.email, factories.PASSWORD)
    studio = f"/broadcasts/{broadcast.id}/studio"
    assert (
        post_form(
            client,
            f"/broadcasts/{broadcast.id}/pins",
            {"job": str(job.id), "pinned": "1"},
            token_from=studio,
        ).status_code
        == 303
    )
    post_form(
        client,
        f"/broadcasts/{broadcast.id}/pins",
        {"job": str(other.id), "pinned": "1"},
        token_from=studio,
    )  # not a fair job: refused
    assert [j.id for j in service.pinned_jobs(db.session, broadcast)] == [job.id]

    switch_to(client, candidate)
    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "直播岗位" in page and "Apply in one click" in page
    response = post_form(
        client,
        f"/broadcasts/{broadcast.id}/jobs/{job.id}/apply",
        {},
        token_from=f"/broadcasts/{broadcast.id}",
    )
    assert response.status_code == 303
    application = db.session.scalar(sa.select(Application))
    assert application.source == Source.FAIR and application.fair_id == fair.id
    again = post_form(
        client,
        f"/broadcasts/{broadcast.id}/jobs/{job.id}/apply",
        {},
        token_from=f"/broadcasts/{broadcast.id}",
    )
    assert (
        again.status_code == 303
        and db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1
    )
    not_pinned = post_form(
        client,
        f"/broadcasts/{broadcast.id}/jobs/{other.id}/apply",
        {},
        token_from=f"/broadcasts/{broadcast.id}",
    )
    assert not_pinned.status_code == 404

    figures = service.figures(app, db.session, broadcast)
    assert figures["applications"] == 1

    # The fair's statistics: two résumés, one of them from the livestream, a line of its own.
    from app.fairs import service as fairs

    walk_in = factories.user(Role.SEEKER, region_code="420102", email="w@example.com")
    factories.resume(walk_in)
    db.session.commit()
    fairs.apply(fair, walk_in, job)
    db.session.commit()
    totals = fairs.statistics(db.session, fair)["totals"]
    assert totals["applications"] == 2 and totals["from_livestreams"] == 1
    switch_to(client, official)
    for language, label in (("en", "of them from livestreams"), ("zh", "其中来自直播")):
        stats = in_language(client, language, f"/officials/fairs/{fair.id}")
        line = re.search(r'<li id="from-livestreams">(.*?)</li>', stats)
        assert line.group(1) == f"<strong>1</strong> {label}"


def test_cli_create_prints_the_contract(app):
    result = app.test_cli_runner().invoke(
        broadcast_cli, ["create", "--title", "T", "--region", "420102"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"broadcast_id", "whip_url", "token", "playback_url"}
    broadcast = db.session.get(Broadcast, out["broadcast_id"])
    assert broadcast.status == BroadcastStatus.SCHEDULED and broadcast.region_code == "420102"
    assert out["whip_url"].endswith(f"/broadcasts/{broadcast.id}/whip")
    assert out["playback_url"].endswith(f"/hls/{broadcast.storage_key}/live.m3u8")
    bad = app.test_cli_runner().invoke(broadcast_cli, ["create", "--title", "T", "--region", "x"])
    assert bad.exit_code == 2 and "2 到 12 位数字" in bad.output  # Chinese by default


def test_players_fetch_from_the_storage_port_unless_told_otherwise(tmp_path, monkeypatch):
    """The embedded static server listens on BROADCAST_STORAGE_PORT: the default playback
    URL is on that port too; an explicit BROADCAST_PLAYBACK_URL (a CDN) still wins."""
    from app import create_app

    monkeypatch.delenv("BROADCAST_PLAYBACK_URL", raising=False)
    monkeypatch.setenv("BROADCAST_STORAGE_PORT", "5380")
    custom = create_app({"INSTANCE_PATH": str(tmp_path)})
    broadcast = Broadcast(storage_key="k3y")
    assert service.playback_url(custom, broadcast) == "http://127.0.0.1:5380/hls/k3y/live.m3u8"
    assert service.storage_server_commands(custom)[0][-2:] == ["--port", "5380"]

    monkeypatch.setenv("BROADCAST_PLAYBACK_URL", "https://live.example.cn/hls/")
    cdn = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert service.playback_url(cdn, broadcast, "replay.m3u8") == (
        "https://live.example.cn/hls/k3y/replay.m3u8"
    )


@pytest.mark.parametrize("title", ["", " " * 3, "x" * 121])
def test_titles_are_checked(app, title):
    with pytest.raises(service.BroadcastError):
        service.create(db.session, title=title, starts_at=utcnow())


def test_a_live_broadcast_whose_playlist_ended_shows_as_ended(app, client):
    """The publisher vanished without DELETE: the media server ended the playlists."""
    from pathlib import Path

    broadcast = service.create(db.session, title="断线", starts_at=utcnow())
    service.went_live(db.session, broadcast)
    # File times come from a coarse clock: connect a second before the files are written.
    broadcast.connected_at -= timedelta(seconds=1)
    db.session.commit()
    folder = Path(app.config["BROADCAST_DIR"]) / broadcast.storage_key
    folder.mkdir(parents=True)
    (folder / "live.m3u8").write_text("#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n")
    assert client.get(f"/broadcasts/{broadcast.id}/questions.json").get_json()["status"] == "live"
    (folder / "live.m3u8").write_text("#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n#EXT-X-ENDLIST\n")
    assert client.get(f"/broadcasts/{broadcast.id}/questions.json").get_json()["status"] == "ended"
    assert "Questions and answers" in client.get(f"/broadcasts/{broadcast.id}").get_data(
        as_text=True
    )


def test_questions_close_when_the_media_ends_before_the_row_does(app, client):
    """The publisher ended (or vanished): the page shows the broadcast as ended at once,
    while its row says live until the minute's sweep (storage.end_stalled). A question
    posted in that minute is refused as on an ended broadcast, and on a cancelled one."""
    from pathlib import Path

    asker = factories.user(Role.SEEKER, region_code="420102", email="a@example.com")
    broadcast = service.create(db.session, title="已结束", starts_at=utcnow())
    service.went_live(db.session, broadcast)
    broadcast.connected_at -= timedelta(seconds=1)  # file times come from a coarse clock
    db.session.commit()
    folder = Path(app.config["BROADCAST_DIR"]) / broadcast.storage_key
    folder.mkdir(parents=True)
    (folder / "live.m3u8").write_text("#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n#EXT-X-ENDLIST\n")
    login(client, asker.email, factories.PASSWORD)

    page = client.get(f"/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert "Questions and answers" in page and 'id="ask"' not in page
    asked = post_form(
        client,
        f"/broadcasts/{broadcast.id}/questions",
        {"body": "还能提问吗？"},
        token_from=f"/broadcasts/{broadcast.id}",
        headers={"Accept": "application/json"},
    )
    assert asked.status_code == 409
    assert asked.get_json() == {"error": "Questions are closed: the broadcast has ended."}

    cancelled = service.create(db.session, title="取消了", starts_at=utcnow())
    service.cancel(db.session, cancelled, asker)
    db.session.commit()
    asked = post_form(
        client,
        f"/broadcasts/{cancelled.id}/questions",
        {"body": "还办吗？"},
        token_from=f"/broadcasts/{broadcast.id}",
        headers={"Accept": "application/json"},
    )
    assert asked.status_code == 409
    assert asked.get_json() == {"error": "This broadcast was cancelled."}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BroadcastQuestion)) == 0


def test_officials_see_the_figures_of_their_regions_broadcasts(app, client):
    """Peak, viewers by region (names; anonymous and unknown codes as "unknown"), questions
    asked and answered, applications from the stream; another county's official gets 404."""
    from app.models import BroadcastApplication, BroadcastViewer

    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    other = factories.user(Role.OFFICIAL, region_code="420103", email="x@example.com")
    asker = factories.user(Role.SEEKER, region_code="420102", email="a@example.com")
    employer = factories.employer(owner=factories.user(Role.EMPLOYER), region_code="420102001")
    job = factories.job(employer)
    ours = service.create(
        db.session, title="江岸稳岗直播", starts_at=utcnow(), region_code="420102", host=official
    )
    theirs = service.create(
        db.session, title="江汉招聘直播", starts_at=utcnow(), region_code="420103"
    )
    ours.peak_viewers = 3
    db.session.add_all(
        BroadcastViewer(broadcast_id=ours.id, viewer_key=key, region_code=code)
        for key, code in [
            ("user:1", "420102001001"),  # a village: named
            ("user:2", "420102001001"),
            ("user:3", "420103"),
            ("user:4", "429999"),  # not loaded here: its province
            ("user:5", "99"),  # nowhere: unknown
            ("anon:ab", None),
        ]
    )
    for body, status in [
        ("何时发放？", QuestionStatus.ANSWERED),
        ("能补贴吗？", QuestionStatus.PENDING),
    ]:
        db.session.add(
            BroadcastQuestion(broadcast_id=ours.id, author_id=asker.id, body=body, status=status)
        )
    application = factories.application(asker, job)
    db.session.flush()
    db.session.add(BroadcastApplication(application_id=application.id, broadcast_id=ours.id))
    db.session.commit()

    login(client, official.email, factories.PASSWORD)
    listing = client.get("/officials/broadcasts")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "江岸稳岗直播" in text and "江汉招聘直播" not in text
    row = re.search(rf'<tr data-id="{ours.id}">(.*?)</tr>', text, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[2:] == ["3", "6", "Sandeli Community (2)", "2", "1", "1"]  # an English page

    page = client.get(f"/officials/broadcasts/{ours.id}").get_data(as_text=True)
    regions = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', page)
    assert regions == [
        ("Sandeli Community", "2"),
        ("Jianghan District", "1"),
        ("Hubei Province", "1"),
        ("Unknown", "2"),
    ]
    # one question answered, one application: the singular
    shown = re.sub(r"<[^>]+>", "", page)
    for figure in ("3 peak concurrent viewers", "1 question answered", "1 application from the"):
        assert figure in shown
    assert "429999" not in page and ">99<" not in page  # names, never codes
    assert "未知" in in_language(client, "zh", f"/officials/broadcasts/{ours.id}")

    assert client.get(f"/officials/broadcasts/{theirs.id}").status_code == 404
    switch_to(client, other)
    assert client.get(f"/officials/broadcasts/{ours.id}").status_code == 404
    assert "江岸稳岗直播" not in client.get("/officials/broadcasts").get_data(as_text=True)
