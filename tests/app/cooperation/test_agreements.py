"""An agreement binds two regions, so both agree to it: one side proposes, the other accepts
or declines, the proposer may withdraw, and either side ends one in force. Only an agreement
in force steers partner jobs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import clock
from app.cooperation import service as cooperation
from app.extensions import db
from app.models import AgreementStatus, CooperationAgreement, Notification, Role, User
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form

BOARD = "/officials/dashboards/cooperation"


def propose(client, origin: str = "5203", destination: str = "420102"):
    today = clock.today()
    return post_form(
        client,
        "/officials/cooperation/new",
        {
            "origin_code": origin,
            "destination_code": destination,
            "sectors": "",
            "workers_target": "10",
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=90)),
        },
    )


def the_agreement() -> CooperationAgreement:
    db.session.expire_all()
    return db.session.scalars(db.select(CooperationAgreement)).one()


def act(client, agreement: CooperationAgreement, action: str):
    return post_form(
        client, f"/officials/cooperation/{agreement.id}/{action}", {}, token_from=BOARD
    )


def action_forms(page: str) -> set[str]:
    return set(re.findall(r"/officials/cooperation/\d+/(\w+)", page))


def told(user: User) -> list[str]:
    return list(db.session.scalars(db.select(Notification.kind).filter_by(user_id=user.id)))


def partner_jobs_seen(client, seeker: User) -> bool:
    as_user(client, seeker)
    page = client.get("/").text
    return "partner-jobs" in page and "协作地区岗位" in page


def test_one_side_proposes_the_other_accepts_and_either_ends_it(app, client):
    district = factories.user(Role.OFFICIAL, region_code="420102")
    partner = factories.user(Role.OFFICIAL, region_code="5203")
    stranger = factories.user(Role.OFFICIAL, region_code="4201")  # 武汉市: covers one end only
    elsewhere = factories.user(Role.OFFICIAL, region_code="420103")
    factories.job(factories.employer(region_code="420102001"), title="协作地区岗位")
    seeker = factories.user(Role.SEEKER, region_code="520302")

    as_user(client, district)
    response = propose(client)
    assert response.status_code == 302
    agreement = the_agreement()
    assert agreement.status == AgreementStatus.PROPOSED and agreement.awaiting_code == "5203"
    assert told(partner) == ["cooperation_proposed"]
    assert told(stranger) == []  # the proposal waits for 遵义市, not for 武汉市
    page = client.get(BOARD).text
    assert action_forms(page) == {"withdraw"}
    assert "Proposed: awaiting" in page and "Zunyi" in page
    # the proposer cannot accept their own proposal, whatever the form says
    refused = act(client, agreement, "accept")
    assert refused.status_code == 409 and 'class="flash error"' in refused.text
    assert the_agreement().status == AgreementStatus.PROPOSED
    assert not partner_jobs_seen(client, seeker)

    as_user(client, elsewhere)  # no end in 江汉区: the agreement is not theirs to see
    assert act(client, agreement, "accept").status_code == 404

    as_user(client, partner)
    assert action_forms(client.get(BOARD).text) == {"accept", "decline"}
    assert act(client, agreement, "accept").status_code == 302
    agreement = the_agreement()
    assert agreement.status == AgreementStatus.ACTIVE
    assert (agreement.answered_by_id, agreement.answered_at is not None) == (partner.id, True)
    assert told(district) == ["cooperation_accept"]
    assert partner_jobs_seen(client, seeker)

    as_user(client, stranger)  # 武汉市 covers the destination: it may end the agreement
    assert action_forms(client.get(BOARD).text) == {"end"}
    assert act(client, agreement, "end").status_code == 302
    agreement = the_agreement()
    assert agreement.status == AgreementStatus.ENDED and agreement.ended_by_id == stranger.id
    assert sorted(told(district) + told(partner)) == [
        "cooperation_accept",
        "cooperation_end",
        "cooperation_end",
        "cooperation_proposed",
    ]
    assert not partner_jobs_seen(client, seeker)
    as_user(client, district)
    page = client.get(BOARD).text
    assert action_forms(page) == set() and "Ended on" in page
    assert act(client, agreement, "end").status_code == 409


@pytest.mark.parametrize(
    ("action", "by", "status"),
    [
        ("decline", "partner", AgreementStatus.DECLINED),
        ("withdraw", "district", AgreementStatus.WITHDRAWN),
    ],
)
def test_a_proposal_declined_or_withdrawn_never_comes_into_force(app, client, action, by, status):
    people = {
        "district": factories.user(Role.OFFICIAL, region_code="420102"),
        "partner": factories.user(Role.OFFICIAL, region_code="5203"),
    }
    as_user(client, people["district"])
    propose(client)
    agreement = the_agreement()
    as_user(client, people[by])
    assert act(client, agreement, action).status_code == 302
    assert the_agreement().status == status
    other = people["partner" if by == "district" else "district"]
    assert told(other)[-1] == f"cooperation_{action}"
    assert act(client, agreement, "accept").status_code == 409
    assert cooperation.active_agreements_from(db.session, "520302") == []


def test_an_official_covering_both_ends_makes_it_in_force_at_once(app, client):
    city = factories.user(Role.OFFICIAL, region_code="4201")
    as_user(client, city)
    response = propose(client, origin="420103", destination="420102")
    assert response.status_code == 302
    agreement = the_agreement()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.awaiting_code is None
    assert agreement.answered_by_id == city.id
    assert "In force" in client.get(BOARD).text


def test_unknown_actions_and_agreements_are_not_found(app, client):
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102"))
    propose(client)
    agreement = the_agreement()
    assert act(client, agreement, "approve").status_code == 404
    url = f"/officials/cooperation/{agreement.id + 1}/accept"
    assert post_form(client, url, {}, token_from=BOARD).status_code == 404


def test_an_acceptance_and_a_withdrawal_at_once_only_one_counts(app):
    district = factories.user(Role.OFFICIAL, region_code="420102")
    partner = factories.user(Role.OFFICIAL, region_code="5203")
    agreement = factories.agreement(
        "5203",
        "420102",
        status=AgreementStatus.PROPOSED,
        awaiting_code="5203",
        created_by_id=district.id,
    )
    db.session.commit()
    agreement_id = agreement.id
    ids = {"accept": partner.id, "withdraw": district.id}
    actions = list(ids)

    def act(n: int) -> str:
        action = actions[n]
        official = db.session.get(User, ids[action])
        cooperation.act(
            db.session, official, db.session.get(CooperationAgreement, agreement_id), action
        )
        return action

    outcomes = at_once(app, len(actions), act)
    assert refusals(outcomes) == 1
    (winner,) = [o for o in outcomes if isinstance(o, str)]
    assert the_agreement().status == cooperation.ACTIONS[winner]


@pytest.mark.parametrize(
    ("origin", "destination"), [("420102", "420102001"), ("420102001", "420102")]
)
def test_a_region_and_a_part_of_it_are_no_partners(app, client, origin, destination):
    """Else a district's own hires would count as partner-region hires for its subsidies."""
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102"))
    response = propose(client, origin=origin, destination=destination)
    assert response.status_code == 422
    assert "One region lies inside the other" in response.text
    assert db.session.scalars(db.select(CooperationAgreement)).all() == []
