"""`yunpin demo` loads a reproducible data set once; running it again changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.demo import DEMO_ACCOUNTS, DISTRICT
from app.extensions import db
from app.models import (
    Application,
    AuditEntry,
    Employer,
    Job,
    JobStatus,
    Region,
    Resume,
    Role,
    User,
    VerificationReview,
    utcnow,
)


def test_demo_loads_once_and_is_idempotent(runner):
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    counts = first.output.strip()
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert second.output.strip() == counts

    # Every demo account exists with its role, and every page has something to show.
    for email, role, _who in DEMO_ACCOUNTS:
        assert db.session.scalar(select(User.role).where(User.email == email)) == role
    official = db.session.scalar(select(User).where(User.email == "official@yunpin.demo"))
    assert official.role == Role.OFFICIAL and official.region_code == DISTRICT
    assert (
        db.session.scalar(
            select(func.count()).select_from(Job).where(Job.status == JobStatus.PUBLISHED)
        )
        > 50
    )
    assert db.session.scalar(select(func.count()).select_from(Application)) > 100
    in_district = (
        select(func.count()).select_from(Employer).where(Employer.region_code.startswith(DISTRICT))
    )
    assert db.session.scalar(in_district) > 20
    # The audit log holds the district's approvals: the administrator's viewer has rows.
    approved = select(func.count()).select_from(VerificationReview)
    approvals = select(func.count()).where(AuditEntry.action == "employer.review_approved")
    assert db.session.scalar(approvals) == db.session.scalar(approved) > 0
    # Nothing happened in the future, whatever the hour the demo was loaded at.
    now = utcnow()
    assert db.session.scalar(select(func.max(Job.published_at))) <= now
    assert db.session.scalar(select(func.max(Application.created_at))) <= now
    # The district's townships and villages were loaded, down to level 5.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Region)
            .where(Region.code.startswith(DISTRICT), Region.level == 5)
        )
        > 10
    )


def test_demo_resumption_varies_by_area_industry_and_week(runner, app):
    """The officials' boards show real differences: not 100 % everywhere (issue #14)."""
    from app.dashboards.scope import Scope
    from app.dashboards.service import resumption
    from app.demo import CITY

    assert runner.invoke(main, ["demo"]).exit_code == 0
    with app.test_request_context():
        board = resumption(db.session, Scope(CITY, CITY), lambda kind, value: None)
        town_board = resumption(db.session, Scope(DISTRICT, DISTRICT), lambda kind, value: None)
    charts = {c.id: c for c in board["charts"]}
    rate = 3  # Resumption rate (%) in the by-group tables

    def rates(chart, column=rate):
        return [row[column] for row in chart.rows if row[column] is not None]

    districts = rates(charts["res-region"])
    towns = rates({c.id: c for c in town_board["charts"]}["res-region"])
    industries = rates(charts["res-industry"])
    for spread in (districts, towns, industries):
        assert len(spread) >= 5 and max(spread) - min(spread) >= 20, spread
    assert not all(r == 100 for r in districts + towns + industries)
    weekly = rates(charts["res-weekly"])
    assert len(weekly) == 9 and weekly[-1] - weekly[0] >= 30, weekly
    workers_back = rates(charts["res-region"], 6)
    assert 30 <= sum(workers_back) / len(workers_back) <= 95, workers_back
    # Rates are drawn on their own 0-100 % axis, counts stay in the table.
    assert charts["res-region"].axes[0].percent and charts["res-region"].axes[0].columns == [3, 6]


def test_demo_occupations_are_in_the_national_classification():
    """A code missing from CSCO has no name, and a page would show the code itself."""
    from app.demo.catalog import OCCUPATIONS
    from matching.occupations import occupations

    known = occupations()
    assert [o[1] for o in OCCUPATIONS if o[1] not in known] == []


def test_demo_accounts_have_identity_checks_conversations_scorecards_and_briefings(runner, client):
    """What a visitor explores as each demo account exists, made through the services, and
    its pages open for the accounts that may see them (issue: a demo to explore fully)."""
    from app.demo import PASSWORD
    from app.models import (
        Broadcast,
        BroadcastStatus,
        Conversation,
        EmployerDocument,
        IdentityCheck,
        IdentityState,
        Interview,
        Message,
        Scorecard,
    )
    from tests.web import login, sign_out

    assert runner.invoke(main, ["demo"]).exit_code == 0
    now = utcnow()

    def owner_of(state):
        check = db.session.scalar(select(IdentityCheck).where(IdentityCheck.state == state))
        return check, db.session.scalar(select(User.email).where(User.id == check.started_by_id))

    done, done_by = owner_of(IdentityState.APPROVED)
    waiting, waiting_by = owner_of(IdentityState.CHECKED)
    assert (done_by, waiting_by) == ("employer@yunpin.demo", "pending@yunpin.demo")
    assert len(waiting.snapshots) == 2 and done.decided_at <= now and waiting.checked_at <= now

    talk = db.session.scalar(select(Conversation))
    seeker = db.session.scalar(select(User).where(User.email == "seeker@yunpin.demo"))
    assert talk.candidate_id == seeker.id
    messages = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert len(messages) == 4 and messages[-1].created_at <= now

    cards = db.session.scalars(select(Scorecard)).all()
    assert len(cards) == 2 and all(c.rating and c.notes for c in cards)
    interview = db.session.get(Interview, cards[0].interview_id)

    held, coming = db.session.scalars(select(Broadcast).order_by(Broadcast.starts_at)).all()
    assert held.status == BroadcastStatus.ENDED and held.ended_at < now
    assert held.peak_viewers > 20  # watched, for the officials' figures
    assert coming.status == BroadcastStatus.SCHEDULED and coming.starts_at > now

    pages = {
        "seeker@yunpin.demo": [
            (f"/conversations/{talk.id}", "视频面试"),
            ("/conversations/unread.json", '"unread":1'),
            ("/broadcasts/", coming.title),  # national: every visitor's list
            (f"/broadcasts/{held.id}", "吸纳协作地区劳动力的补贴"),  # the answered questions
            (f"/broadcasts/{coming.id}", coming.title),
        ],
        "employer@yunpin.demo": [
            (f"/conversations/{talk.id}", "两周内可以到岗"),
            ("/video/identity", f"/video/identity/{done.id}"),
            (f"/video/identity/{done.id}", "3917"),
            (f"/applications/review/{interview.application_id}", cards[0].notes),
            (f"/video/interviews/{interview.id}", cards[0].notes),
        ],
        "pending@yunpin.demo": [(f"/video/identity/{waiting.id}", "6052")],
        "official@yunpin.demo": [
            (f"/video/identity/{waiting.id}", f"/video/identity/{waiting.id}/decide"),
            (f"/officials/reviews/{waiting.employer_id}", waiting.snapshots[0]),
            (f"/officials/broadcasts/{held.id}", held.title),
            ("/officials/broadcasts", held.title),
        ],
        "city@yunpin.demo": [
            (f"/video/identity/{waiting.id}", f"/video/identity/{waiting.id}/decide")
        ],
        "admin@yunpin.demo": [
            (f"/broadcasts/{held.id}", 'id="no-replay"'),  # no player waiting for a stream
            ("/officials/broadcasts", coming.title),
        ],
    }
    for email, shown in pages.items():
        sign_out(client)
        assert login(client, email, PASSWORD).status_code == 302
        for url, text in shown:
            response = client.get(url)
            assert response.status_code == 200, (email, url)
            assert text in response.get_data(as_text=True), (email, url, text)
        if email == "official@yunpin.demo":  # the drawn snapshots are there to compare
            name = waiting.snapshots[0]
            picture = client.get(f"/video/identity/{waiting.id}/snapshots/{name}")
            assert picture.status_code == 200 and picture.data[:2] == b"\xff\xd8"
            # and the sample licence and ID to review beside them
            documents = db.session.scalars(
                select(EmployerDocument).where(EmployerDocument.employer_id == waiting.employer_id)
            ).all()
            assert sorted(d.kind for d in documents) == ["business_licence", "legal_rep_id"]
            page = client.get(f"/officials/reviews/{waiting.employer_id}").text
            for d in documents:
                url = f"/employers/{waiting.employer_id}/documents/{d.id}"
                assert url in page
                assert client.get(url).data[:4] == b"\x89PNG"


def test_demo_texts_read_as_written_by_people(runner):
    """Faker's zh_CN sentences are random words ending in an ASCII full stop
    ("文章运行一样."): none of them in what employers and candidates wrote."""
    import re

    from app.models import Resume

    assert runner.invoke(main, ["demo"]).exit_code == 0
    texts = [
        *db.session.scalars(select(Job.description)),
        *db.session.scalars(select(Employer.description).where(Employer.description != "")),
        *db.session.scalars(select(Resume.summary)),
        *(e["description"] for r in db.session.scalars(select(Resume)) for e in r.experience),
    ]
    assert len(texts) > 300
    lorem = [t for t in texts if re.search(r"[\u4e00-\u9fff]\.", t)]
    assert not lorem, lorem[:3]


def test_demo_times_and_addresses_read_as_real_ones(runner):
    """The approved identity check is recent enough to still have its snapshots; interviews
    held are in the past, in Beijing working hours; addresses are written in Chinese."""
    import re
    from datetime import timedelta

    from app.identity.service import DEFAULT_RETENTION_DAYS
    from app.models import IdentityCheck, IdentityState, Interview, InterviewStatus

    assert runner.invoke(main, ["demo"]).exit_code == 0
    now = utcnow()
    approved = db.session.scalar(
        select(IdentityCheck).where(IdentityCheck.state == IdentityState.APPROVED)
    )
    assert now - timedelta(days=DEFAULT_RETENTION_DAYS) < approved.checked_at <= now
    assert approved.checked_at <= approved.decided_at <= now

    held = db.session.scalars(
        select(Interview).where(Interview.status == InterviewStatus.COMPLETED)
    ).all()
    assert held
    for interview in held:
        assert interview.created_at <= interview.starts_at <= now
        assert 9 <= (interview.starts_at + timedelta(hours=8)).hour < 18, interview.starts_at

    addresses = db.session.scalars(select(Employer.address).where(Employer.address != "")).all()
    assert addresses
    assert [a for a in addresses if re.search("[A-Za-z]", a)] == []


@pytest.mark.parametrize(
    "built_at",
    [
        datetime(2026, 12, 1, 20, 30),  # 04:30 in Beijing: before the working day
        datetime(2026, 12, 1, 2, 0),  # 10:00: during it
        datetime(2026, 12, 1, 11, 0),  # 19:00: after it
    ],
)
def test_every_demo_event_is_past_and_in_beijing_working_hours(app, built_at):
    """Whatever the hour the demo is built at, what its people did happened before it, at
    work: applications, their stage changes and the interviews held."""
    from app.demo.builder import build
    from app.models import Interview, InterviewStatus, StageChange
    from app.regions.loader import load_regions

    load_regions(db.session, only_under=DISTRICT)
    build(now=built_at)
    db.session.flush()

    moments = {
        "job published": db.session.scalars(
            select(Job.published_at).where(Job.published_at.is_not(None))
        ).all(),
        "applied": db.session.scalars(select(Application.created_at)).all(),
        "answered": db.session.scalars(
            select(Application.first_response_at).where(Application.first_response_at.is_not(None))
        ).all(),
        "stage changed": db.session.scalars(select(StageChange.created_at)).all(),
        "interview booked": db.session.scalars(select(Interview.created_at)).all(),
        "interview held": db.session.scalars(
            select(Interview.starts_at).where(Interview.status == InterviewStatus.COMPLETED)
        ).all(),
    }
    for what, times in moments.items():
        assert times, what
        late = [t for t in times if t > built_at]
        assert not late, (what, late[:3])
        off_hours = [t for t in times if not 9 <= (t + timedelta(hours=8)).hour < 18]
        assert not off_hours, (what, off_hours[:3])


def test_a_resumes_past_work_names_the_skills_it_lists(runner):
    assert runner.invoke(main, ["demo"]).exit_code == 0
    resumes = [r for r in db.session.scalars(select(Resume)) if r.skills]
    assert resumes
    for resume in resumes:
        for job in resume.experience:
            used = job["description"].rsplit("常用", 1)[-1].rstrip("。").split("、")
            assert set(used) <= set(resume.skills), (used, resume.skills)
