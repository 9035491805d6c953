"""Who may host a broadcast, seen from the side of a company that is not verified: it gets
no form and no studio, cannot schedule by posting the form anyway, and what it scheduled
before its approval was revoked is not shown to anyone. A verified company streams a fair
it registered for, in the fair's region whatever region it posts; officials as before."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.broadcasts import service
from app.extensions import db
from app.models import (
    Broadcast,
    BroadcastStatus,
    FairEmployer,
    JobFair,
    Role,
    VerificationState,
    utcnow,
)
from tests import factories
from tests.web import as_user, post_form, sign_out

FORM = {
    "title": "企业直播带岗",
    "description": "欢迎投递",
    "starts_at": f"{clock.today() + timedelta(days=7)}T10:00",  # Beijing time, a week ahead
    "region_code": "11",  # Beijing, while the fair is in 江岸区
    "documents": "Apply here | https://evil.example/phish",
}


def fair_with(employer) -> JobFair:
    fair = JobFair(
        title="江岸春风行动",
        region_code="420102",
        starts_on=clock.today(),
        ends_on=clock.today() + timedelta(days=3),
    )
    db.session.add(fair)
    db.session.flush()
    db.session.add(FairEmployer(fair_id=fair.id, employer_id=employer.id))
    db.session.flush()
    return fair


def test_a_company_not_verified_cannot_schedule_a_broadcast(app, client):
    owner = factories.user(Role.EMPLOYER, email="pending@example.com")
    employer = factories.employer(owner=owner, verified=False)
    fair = fair_with(employer)  # registered before registration asked for approval
    as_user(client, owner)

    assert "/broadcasts/new" not in client.get("/broadcasts/").get_data(as_text=True)
    page = client.get("/broadcasts/new")
    assert page.status_code == 403
    assert "Only verified companies host livestreams." in page.get_data(as_text=True)
    assert service.fairs_for_host(db.session, owner) == []

    token_page = "/broadcasts/"
    response = post_form(
        client, "/broadcasts/new", {**FORM, "fair_id": str(fair.id)}, token_from=token_page
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Broadcast)) == 0


def test_a_broadcast_of_a_company_not_verified_is_shown_to_nobody(app, client):
    """Scheduled while verified, then the approval was revoked: hidden like its jobs; the
    studio (and its publisher token) is closed to the company, open to the region's officials."""
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner)
    fair = fair_with(employer)
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    hidden = service.create(
        db.session,
        title="撤销后的直播",
        starts_at=utcnow(),
        region_code=fair.region_code,
        host=owner,
        fair=fair,
    )
    shown = service.create(db.session, title="官方政策解读", starts_at=utcnow(), host=official)
    employer.verification_state = VerificationState.RETURNED
    db.session.commit()

    listing = client.get("/broadcasts/").get_data(as_text=True)
    assert "官方政策解读" in listing and "撤销后的直播" not in listing
    for url in ("", "/questions.json"):
        assert client.get(f"/broadcasts/{hidden.id}{url}").status_code == 404
    assert client.get(f"/broadcasts/{shown.id}").status_code == 200
    assert client.post(f"/broadcasts/{hidden.id}/whip", data=b"v=0").status_code == 404

    as_user(client, owner)
    assert client.get(f"/broadcasts/{hidden.id}/studio").status_code == 404
    as_user(client, official)
    studio = client.get(f"/broadcasts/{hidden.id}/studio")
    assert studio.status_code == 200 and "Bearer token" in studio.get_data(as_text=True)
    cancel = post_form(
        client, f"/broadcasts/{hidden.id}/cancel", {}, token_from=f"/broadcasts/{hidden.id}/studio"
    )
    assert cancel.status_code == 303

    # Verified again: shown again.
    employer.verification_state = VerificationState.APPROVED
    hidden.status = BroadcastStatus.SCHEDULED
    db.session.commit()
    sign_out(client)
    assert "撤销后的直播" in client.get("/broadcasts/").get_data(as_text=True)


def test_a_verified_company_streams_its_fair_in_the_fairs_region(app, client):
    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    employer = factories.employer(owner=owner)
    fair = fair_with(employer)
    as_user(client, owner)

    assert "/broadcasts/new" in client.get("/broadcasts/").get_data(as_text=True)
    form = client.get("/broadcasts/new").get_data(as_text=True)
    assert 'name="region_code"' not in form and f'value="{fair.id}"' in form
    response = post_form(client, "/broadcasts/new", {**FORM, "fair_id": str(fair.id)})
    assert response.status_code == 302
    broadcast = db.session.scalar(sa.select(Broadcast))
    assert (broadcast.fair_id, broadcast.region_code, broadcast.host_id) == (
        fair.id,
        "420102",
        owner.id,
    )
    # Without a fair a company has nothing to stream.
    response = post_form(client, "/broadcasts/new", {**FORM, "fair_id": "0"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Broadcast)) == 1


def test_an_official_still_picks_the_region_of_a_fair_livestream(app, client):
    official = factories.user(Role.OFFICIAL, region_code="4201", email="o@example.com")
    fair = JobFair(
        title="武汉招聘会", region_code="4201", starts_on=clock.today(), ends_on=clock.today()
    )
    db.session.add(fair)
    as_user(client, official)
    form = client.get("/broadcasts/new").get_data(as_text=True)
    assert 'name="region_code"' in form
    data = {**FORM, "region_code": "420103", "fair_id": str(fair.id)}
    assert post_form(client, "/broadcasts/new", data).status_code == 302
    broadcast = db.session.scalar(sa.select(Broadcast))
    assert (broadcast.fair_id, broadcast.region_code) == (fair.id, "420103")


@pytest.mark.parametrize("job", ["99999999999999999999999", "1" * 5000, "0", "²"])
def test_pinning_a_job_id_past_any_row_is_a_bad_request(app, client, job):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    broadcast = service.create(
        db.session, title="直播", starts_at=utcnow(), region_code="420102", host=official
    )
    as_user(client, official)
    studio = f"/broadcasts/{broadcast.id}/studio"
    response = post_form(
        client, f"/broadcasts/{broadcast.id}/pins", {"job": job, "pinned": "1"}, token_from=studio
    )
    assert response.status_code == 400


def field_error(page: str, field: str) -> str:
    """The message shown beside FIELD of a form page ('' when none is)."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return found.group(1) if found else ""


def test_a_refused_schedule_says_why_beside_the_field(app, client):
    """The service's refusals (not only the form's validators) are shown beside the field
    they are about, not as a bare "correct the fields marked below" with nothing marked."""
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    as_user(client, official)
    data = {**FORM, "region_code": "420103", "fair_id": "0"}  # 江汉区, beside 江岸区
    outside = post_form(client, "/broadcasts/new", data)
    assert outside.status_code == 422
    page = outside.get_data(as_text=True)
    assert field_error(page, "region_code") == "Choose a region inside your own."
    assert 'aria-describedby="region_code-error"' in page
    bad_link = {**FORM, "region_code": "420102", "fair_id": "0", "documents": "ftp://x"}
    page = post_form(client, "/broadcasts/new", bad_link).get_data(as_text=True)
    assert field_error(page, "documents") == "Documents must be links starting with http(s)://."

    owner = factories.user(Role.EMPLOYER, email="e@example.com")
    factories.employer(owner=owner)
    as_user(client, owner)
    no_fair = post_form(client, "/broadcasts/new", {**FORM, "fair_id": "0"})
    assert no_fair.status_code == 422
    assert field_error(no_fair.get_data(as_text=True), "fair_id") == (
        "Companies broadcast as part of a job fair: choose one."
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Broadcast)) == 0


def test_an_empty_region_is_the_officials_own_or_national_for_an_admin(app, client):
    """An official may not broadcast beyond their region, so leaving it empty means their
    own region (the form says so); an administrator's empty region is national."""
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    as_user(client, official)
    form = html.unescape(client.get("/broadcasts/new").get_data(as_text=True))
    assert "Empty: the fair's region if you choose a fair, else your own." in form
    data = {**FORM, "region_code": "", "fair_id": "0"}
    assert post_form(client, "/broadcasts/new", data).status_code == 302
    assert db.session.scalar(sa.select(Broadcast.region_code)) == "420102"

    as_user(client, factories.user(Role.ADMIN, email="a@example.com"))
    assert post_form(client, "/broadcasts/new", {**data, "title": "全国"}).status_code == 302
    national = db.session.scalar(sa.select(Broadcast).where(Broadcast.title == "全国"))
    assert national.region_code is None
