"""Labor cooperation figures: applications and hires by origin → destination, and the
partner jobs a candidate from the origin sees on the home page."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.cooperation import service as cooperation
from app.dashboards import service
from app.dashboards.rollups import recompute
from app.dashboards.scope import Scope
from app.extensions import db
from app.models import AgreementStatus, CooperationAgreement, Role, Stage
from tests import factories
from tests.web import login, post_form


def test_agreement_flows_by_origin_and_destination(app, client):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    db.session.commit()
    login(client, official.email, factories.PASSWORD)
    today = clock.today()
    response = post_form(
        client,
        "/officials/cooperation/new",
        {
            "origin_code": "5203",
            "destination_code": "420102",
            "sectors": "",
            "workers_target": "4",
            "starts_on": str(today - timedelta(days=1)),
            "ends_on": str(today + timedelta(days=90)),
        },
    )
    assert response.status_code == 302
    # a proposal of 江岸区 to 遵义市, which accepts it: only then does it have flows
    agreement = db.session.scalars(db.select(CooperationAgreement)).one()
    partner = factories.user(Role.OFFICIAL, region_code="5203")
    cooperation.act(db.session, partner, agreement, "accept")

    village_job = factories.job(factories.employer(region_code="420102001001"))
    district_job = factories.job(factories.employer(region_code="420102"))
    elsewhere_job = factories.job(factories.employer(region_code="420103002"))
    partner = [factories.user(Role.SEEKER, region_code="520302") for _ in range(3)]
    local = factories.user(Role.SEEKER, region_code="420102")
    factories.application(partner[0], village_job, stage=Stage.HIRED)
    factories.application(partner[1], village_job)
    factories.application(partner[2], district_job, stage=Stage.HIRED)
    factories.application(partner[0], elsewhere_job, stage=Stage.HIRED)  # outside the destination
    factories.application(local, village_job, stage=Stage.HIRED)  # not from the origin
    recompute(db.session)
    db.session.commit()

    data = client.get("/officials/dashboards/cooperation.json").json
    flows = {(row[0], row[1]): row[2:] for row in data["charts"][0]["rows"]}
    # Origin county → the destination's child (a job at the district itself stays at the district),
    # named in English for this English reader (红花岗区 → 大智街道, 红花岗区 → 江岸区).
    assert flows == {
        ("Honghuagang District", "Dazhi Subdistrict"): [2, 1],
        ("Honghuagang District", "Jiang'an District"): [1, 1],
    }
    page = client.get("/officials/dashboards/cooperation").get_data(as_text=True)
    assert "Zunyi" in page and "50.0%" in page  # 2 hires of a target of 4


def test_candidate_from_the_origin_sees_partner_jobs(app, client):
    today = clock.today()
    factories.agreement(
        "5203", "420102", workers_target=10, starts_on=today, ends_on=today + timedelta(days=9)
    )
    factories.job(factories.employer(region_code="420102001"), title="协作地区岗位")
    factories.job(factories.employer(region_code="420103"), title="别处岗位")
    factories.job(factories.employer(region_code="420102", verified=False), title="未审核岗位")
    factories.user(Role.SEEKER, region_code="520302", email="far@example.com")
    factories.user(Role.SEEKER, region_code="420103", email="near@example.com")
    db.session.commit()

    login(client, "far@example.com", factories.PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert (
        "partner-jobs" in page
        and "协作地区岗位" in page.split("partner-jobs")[1].split("</section>")[0]
    )
    assert "别处岗位" not in page.split("partner-jobs")[1].split("</section>")[0]
    assert "未审核岗位" not in page  # only public jobs are promoted

    post_form(client, "/auth/logout", {}, token_from="/")
    login(client, "near@example.com", factories.PASSWORD)
    assert "partner-jobs" not in client.get("/").get_data(as_text=True)


def test_flows_count_what_each_agreed_agreement_covers_and_never_twice(app):
    today = clock.today()
    software = factories.agreement("5203", "420102", sectors=["I"], workers_target=10)
    wide = factories.agreement("5203", "420102", workers_target=10)  # every industry
    factories.agreement("5203", "420102", status=AgreementStatus.PROPOSED, awaiting_code="420102")
    it_job = factories.job(factories.employer(region_code="420102001"))
    factory_job = factories.job(factories.employer(region_code="420102001", industry="C"))
    partner = [factories.user(Role.SEEKER, region_code="520302") for _ in range(3)]
    factories.application(partner[0], it_job, stage=Stage.HIRED)
    factories.application(partner[1], factory_job)
    old = factories.application(partner[2], it_job)  # before either agreement began
    old.created_at = clock.day_start(today - timedelta(days=60))
    recompute(db.session)
    db.session.commit()

    with app.test_request_context():
        data = service.cooperation(db.session, Scope.of(factories.user(Role.ADMIN)))
    counts = {
        row["agreement"].id: (row["applications"], row["hires"]) for row in data["agreements"]
    }
    proposal = next(i for i in counts if i not in (software.id, wide.id))
    assert counts == {software.id: (1, 1), wide.id: (2, 1), proposal: (0, 0)}
    # the flow 红花岗区 → 大智街道 holds each application once, not once per agreement
    assert [row[2:] for row in data["charts"][0].rows] == [[2, 1]]
