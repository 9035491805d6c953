"""What the demo's people have done with the product, made through the services that real
requests call, so every rule they enforce holds for the demo too: the legal representatives'
video identity checks (one decided, one waiting for the district), a conversation between
the demo seeker and the demo employer (the employer's last message unread), scorecards on
the demo employer's interviews, and the briefings (one held, one coming).

The services stamp the current time; the demo then moves those moments into the past it
describes (never into the future), as the builder does for every other row.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import cv2
import numpy as np
from flask import current_app
from sqlalchemy import select

from app.broadcasts import service as broadcasts
from app.chat import service as chat
from app.extensions import db
from app.identity import service as identity
from app.interviews import service as interviews
from app.models import (
    Application,
    Employer,
    EmployerMember,
    Interview,
    InterviewStatus,
    Job,
    JobStatus,
    Role,
    User,
    utcnow,
)

SNAPSHOTS = ("demo-1.jpg", "demo-2.jpg")
BEIJING = timedelta(hours=8)


def add_activity(days_ago) -> None:
    """DAYS_AGO(n) is the builder's working-hours moment n days ago."""
    people = {
        email: db.session.scalar(select(User).where(User.email == email))
        for email in ("seeker@yunpin.demo", "employer@yunpin.demo", "pending@yunpin.demo")
    }
    official = db.session.scalar(select(User).where(User.email == "official@yunpin.demo"))
    admin = db.session.scalar(select(User).where(User.email == "admin@yunpin.demo"))
    # The services link their notifications with url_for: give them a request to link from,
    # a writing one (a POST), as the pages that call them are.
    with current_app.test_request_context("/", method="POST"):
        identity_checks(people, official, days_ago)
        conversation(people["seeker@yunpin.demo"], people["employer@yunpin.demo"], days_ago)
        scorecards(people["employer@yunpin.demo"])
        briefings(official, admin, days_ago)
    db.session.flush()


def employer_of(owner: User) -> Employer:
    return db.session.scalar(
        select(Employer).join(EmployerMember).where(EmployerMember.user_id == owner.id)
    )


def identity_checks(people: dict[str, User], official: User, days_ago) -> None:
    """The verified employer's representative passed a check the district approved; the
    company waiting for its document review has a check waiting for the district too."""
    done = checked(people["employer@yunpin.demo"], "3917")
    identity.decide(done, official, approve=True)
    done.created_at, done.checked_at = days_ago(5), days_ago(5)
    done.decided_at = days_ago(4)
    waiting = checked(people["pending@yunpin.demo"], "6052")
    waiting.created_at = waiting.checked_at = days_ago(1)


def checked(owner: User, digits: str):
    """A finished check of OWNER's company: the room, the media server's result and its
    snapshots, as the Finish button stores them."""
    check = identity.start(employer_of(owner), owner)
    folder = Path(current_app.config["VIDEO_SNAPSHOT_DIR"]) / check.room_id
    folder.mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(SNAPSHOTS):
        (folder / name).write_bytes(snapshot_picture(turned=n == 0))
    identity.store_result(check, liveness_result(check.room_id, digits))
    return check


def snapshot_picture(turned: bool) -> bytes:
    """A drawn head and shoulders (the demo has no camera): what an official compares."""
    picture = np.full((240, 320, 3), (205, 200, 190), np.uint8)
    head = (150 if turned else 160, 100)
    cv2.ellipse(picture, (160, 250), (95, 60), 0, 180, 360, (90, 80, 70), -1)
    cv2.ellipse(picture, head, (42, 52), 0, 0, 360, (150, 170, 200), -1)
    cv2.ellipse(picture, (head[0], head[1] - 35), (44, 25), 0, 180, 360, (40, 40, 40), -1)
    ok, jpeg = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return jpeg.tobytes()


def liveness_result(room_id: str, digits: str) -> dict:
    """The media server's final result for a check that passed (docs/video.md)."""
    prompts = [
        ("turn_left", "请向左转头", "Turn your head to your left", None),
        ("blink", "请慢慢眨一下眼睛", "Blink slowly", None),
        ("digits", "请大声读出这四个数字", "Read these four digits aloud", digits),
    ]
    return {
        "room_id": room_id,
        "state": "done",
        "face_present": True,
        "passed": True,
        "snapshots": list(SNAPSHOTS),
        "prompts": [
            {"id": key, "text_zh": zh, "text_en": en, "passed": True}
            | ({"digits": shown} if shown else {})
            for key, zh, en, shown in prompts
        ],
        "message_zh": "自动检查通过",
        "message_en": "Automatic checks passed",
    }


CONVERSATION = [
    ("candidate", "您好，我对这个岗位很感兴趣，请问现在还在招人吗？"),
    ("employer", "您好！还在招。看了您的简历，经验挺合适的，方便说一下最快什么时候能到岗吗？"),
    ("candidate", "两周内可以到岗。请问试用期多久，包住宿吗？"),
    ("employer", "试用期三个月，公司提供员工宿舍。本周四下午三点方便视频面试吗？"),
]
"""Yesterday's exchange; the employer's last question is what the seeker has not read."""


def conversation(seeker: User, owner: User, days_ago) -> None:
    job = db.session.scalar(
        select(Job)
        .where(Job.employer_id == employer_of(owner).id, Job.status == JobStatus.PUBLISHED)
        .order_by(Job.id)
    )
    talk, _made = chat.open_for_job(seeker, job)
    sent = []
    for side, text in CONVERSATION:
        sent.append(chat.send(talk, seeker if side == "candidate" else owner, text))
        reader = owner if side == "candidate" else seeker
        if len(sent) < len(CONVERSATION):  # each answer came after reading the question
            chat.mark_read(talk, reader, sent[-1].id)
    start = datetime.combine(days_ago(1).date(), time(10)) - BEIJING  # yesterday morning
    for n, message in enumerate(sent):
        message.created_at = start + timedelta(minutes=12 * n)
    talk.created_at, talk.last_message_at = sent[0].created_at, sent[-1].created_at


SCORECARDS = [
    ("4", "yes", "沟通清楚，相关经验三年，可以安排复试。"),
    ("3", "no", "基本技能可以，但对夜班安排顾虑较多。"),
]


def scorecards(owner: User) -> None:
    """The owner's notes (owners interview for their company) on its latest interviews held."""
    done = db.session.scalars(
        select(Interview)
        .join(Application)
        .join(Job)
        .where(
            Job.employer_id == employer_of(owner).id,
            Interview.status == InterviewStatus.COMPLETED,
            Interview.starts_at <= utcnow(),
        )
        .order_by(Interview.starts_at.desc(), Interview.id)
        .limit(len(SCORECARDS))
    ).all()
    for interview, (rating, recommendation, notes) in zip(done, SCORECARDS, strict=False):
        interviews.save_scorecard(interview, owner, rating, recommendation, notes)


SIGNED_IN_VIEWERS, ANONYMOUS_VIEWERS = 24, 7

QUESTIONS = [
    (
        "seeker@yunpin.demo",
        "从遵义来武汉就业，吸纳协作地区劳动力的补贴是发给企业还是个人？",
        "这项补贴发给吸纳协作地区劳动力的企业，每招用一人补贴1000元，由企业在平台上申领。",
    ),
    ("seeker7@yunpin.demo", "小微企业复工补贴需要准备哪些材料？", ""),
]
"""Viewers' questions on the held briefing: the first answered in writing, the second on air."""


def briefings(official: User, admin: User, days_ago) -> None:
    """The district's policy briefing, held three days ago with its questions answered, and a
    national one the platform holds the day after tomorrow (a national broadcast is the
    administrators', and every visitor's list shows it); both at 10:00 Beijing time."""
    starts = datetime.combine(days_ago(3).date(), time(10)) - BEIJING
    held = broadcasts.create(
        db.session,
        title="稳岗返还与吸纳协作地区劳动力补贴政策解读",
        starts_at=starts,
        region_code=official.region_code,
        host=official,
        description="区人社局解读小微企业复工复产补贴、吸纳协作地区劳动力就业补贴的申领条件和流程。",
    )
    broadcasts.went_live(db.session, held)
    # Who watched (the officials' figures): the first seekers signed in, a few anonymously.
    seekers = db.session.scalars(
        select(User).where(User.role == Role.SEEKER).order_by(User.id).limit(SIGNED_IN_VIEWERS)
    )
    watching = [(f"user:{u.id}", u.region_code) for u in seekers]
    watching += [(f"anon:demo-{n}", None) for n in range(ANONYMOUS_VIEWERS)]
    for key, region in watching:
        broadcasts.heartbeat(current_app, db.session, held, key, region)
    for n, (email, question, answer) in enumerate(QUESTIONS):
        asker = db.session.scalar(select(User).where(User.email == email))
        asked = broadcasts.ask(db.session, held, asker, question)
        broadcasts.moderate(db.session, asked, "approve")
        broadcasts.moderate(db.session, asked, "answer" if answer else "on_air", answer)
        asked.created_at = starts + timedelta(minutes=10 + 15 * n)
        asked.answered_at = asked.created_at + timedelta(minutes=8)
    broadcasts.ended(db.session, held)
    held.started_at = held.connected_at = starts
    held.ended_at = starts + timedelta(minutes=50)
    held.created_at = starts - timedelta(days=5)
    broadcasts.create(
        db.session,
        title="返岗复工政策与线上求职指南",
        starts_at=datetime.combine(days_ago(0).date() + timedelta(days=2), time(10)) - BEIJING,
        host=admin,
        description="讲解各地返岗复工政策，演示在云聘上找工作、投递简历和参加视频面试。",
    )
