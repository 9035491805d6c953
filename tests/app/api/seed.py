"""A small world for the API tests: two employers (one unverified), jobs, a candidate with a
résumé and an application, officials, an admin, notifications, and a token for each person."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import JobStatus, Notification, Role, Stage
from tests import factories


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def seed() -> World:
    world = World()
    seeker = factories.user(Role.SEEKER, name="Li Lei")
    other_seeker = factories.user(Role.SEEKER, name="Han Meimei")
    owner = factories.user(Role.EMPLOYER, name="Owner")
    rival_owner = factories.user(Role.EMPLOYER, name="Rival")
    official = factories.user(Role.OFFICIAL, region_code="420102")
    far_official = factories.user(Role.OFFICIAL, region_code="52")
    admin = factories.user(Role.ADMIN)
    employer = factories.employer(owner)
    rival = factories.employer(rival_owner, region_code="420103002")
    unverified = factories.employer(region_code="420102001001", verified=False)
    java = factories.job(employer, title="Java开发工程师")
    factories.job(employer, title="Python engineer", skills=["Python"])
    factories.job(employer, title="草稿职位", status=JobStatus.DRAFT)
    rival_job = factories.job(rival, title="Java 测试", screening_questions=["Why us?"])
    hidden_job = factories.job(unverified, title="Unverified job")
    factories.resume(seeker)
    factories.resume(other_seeker, headline="Tester")
    mine = factories.application(seeker, java, stage=Stage.NEW)
    theirs = factories.application(other_seeker, rival_job, stage=Stage.NEW)
    db.session.add(Notification(user_id=seeker.id, kind="welcome", params={}, link="/"))
    db.session.add(Notification(user_id=owner.id, kind="welcome", params={}, link="/"))
    for name, user in (
        ("seeker", seeker),
        ("other_seeker", other_seeker),
        ("owner", owner),
        ("rival_owner", rival_owner),
        ("official", official),
        ("far_official", far_official),
        ("admin", admin),
    ):
        world.tokens[name] = create_api_token(user, "tests")
        world.ids[name] = user.id
    world.ids.update(
        employer=employer.id,
        rival=rival.id,
        unverified=unverified.id,
        java=java.id,
        rival_job=rival_job.id,
        hidden_job=hidden_job.id,
        application=mine.id,
        their_application=theirs.id,
    )
    db.session.commit()
    return world
