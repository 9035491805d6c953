"""Set-up for the interview tests: an employer with two members, a candidate who applied."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import EmployerMember, MemberRole, Role, Stage
from tests import factories
from tests.web import as_user, post_form

__all__ = ["as_user", "world", "local_slot", "propose"]


def world():
    owner = factories.user(Role.EMPLOYER, name="招聘经理", timezone="Asia/Shanghai")
    employer = factories.employer(owner)
    colleague = factories.user(Role.EMPLOYER, name="技术面试官")
    db.session.add(
        EmployerMember(employer=employer, user_id=colleague.id, role=MemberRole.RECRUITER)
    )
    job = factories.job(employer)
    candidate = factories.user(Role.SEEKER, name="李雷", timezone="Europe/Berlin")
    factories.resume(candidate)
    application = factories.application(candidate, job, stage=Stage.INTERVIEW)
    outsider_employer = factories.employer()
    outsider = outsider_employer.members[0].user
    db.session.commit()
    return {
        "owner": owner,
        "colleague": colleague,
        "candidate": candidate,
        "application": application,
        "outsider": outsider,
        "job": job,
    }


def local_slot(hours: float, zone: str = "Asia/Shanghai") -> str:
    """A wall-clock time HOURS from now in ZONE, as a datetime-local form value."""
    when = datetime.now(ZoneInfo(zone)) + timedelta(hours=hours)
    return when.strftime("%Y-%m-%dT%H:%M")


def propose(
    client, application_id: int, slots: list[str], zone: str = "Asia/Shanghai", duration: str = "30"
):
    url = f"/video/applications/{application_id}/schedule"
    return post_form(client, url, {"slot": slots, "timezone": zone, "duration": duration})
