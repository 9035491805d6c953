"""One-click claims: computed amounts, no double claims, and a budget that holds under races."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    AgreementStatus,
    CompanySize,
    EmployerMember,
    MemberRole,
    ResumptionReport,
    Role,
    Stage,
    SubsidyClaim,
    SubsidyPolicy,
    SubsidyRule,
    utcnow,
)
from app.subsidies import service as subsidies
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form


def policy(budget: int) -> SubsidyPolicy:
    today = clock.today()
    item = SubsidyPolicy(
        name="复工补贴",
        rule=SubsidyRule.SMALL_ENTERPRISE_RESUMED_BY,
        amount=1000,
        per_employer_cap=1000,
        budget=budget,
        region_code="420102",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        resumed_by=today,
    )
    db.session.add(item)
    db.session.flush()
    return item


def resumed_employer() -> int:
    employer = factories.employer(size=CompanySize.SMALL)
    db.session.add(
        ResumptionReport(
            employer_id=employer.id,
            report_date=clock.today(),
            resumed=True,
            resumed_on=clock.today(),
            workers_back=5,
            workers_total=10,
        )
    )
    db.session.flush()
    return employer.id


@pytest.fixture
def in_request(app):
    with app.test_request_context(method="POST"):
        yield


def test_claim_once_with_the_computed_amount(app, in_request):
    item = policy(budget=5000)
    from app.models import Employer

    employer = db.session.get(Employer, resumed_employer())
    assert subsidies.eligibility(db.session, item, employer).amount == 1000
    claim = subsidies.claim(db.session, item, employer, None)
    db.session.commit()
    assert claim.amount == 1000 and item.committed_amount == 1000
    with pytest.raises(subsidies.ClaimError):
        subsidies.claim(db.session, item, employer, None)
    db.session.rollback()


def test_concurrent_claims_never_exceed_the_budget(app):
    """On both databases: the refused claims leave no row behind (on SQLite they once did,
    through a savepoint released as a commit of its own)."""
    from app.models import Employer

    policy_id = policy(budget=3000).id
    employer_ids = [resumed_employer() for _ in range(10)]
    db.session.commit()

    def claim(n: int) -> None:
        employer = db.session.get(Employer, employer_ids[n])
        subsidies.claim(db.session, db.session.get(SubsidyPolicy, policy_id), employer, None)

    outcomes = at_once(app, len(employer_ids), claim)
    assert refusals(outcomes) == 7 and outcomes.count(None) == 3
    total = db.session.scalar(sa.select(sa.func.sum(SubsidyClaim.amount)))
    assert total == 3000 == db.session.get(SubsidyPolicy, policy_id).committed_amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubsidyClaim)) == 3
    assert subsidies.budget_drift(db.session) == []


def test_one_claim_rejected_many_times_at_once_frees_its_amount_once(app):
    from app.models import AuditEntry, ClaimStatus, Employer, Role, User

    item = policy(budget=5000)
    with app.test_request_context(method="POST"):  # three claims: ¥3,000 of ¥5,000 committed
        claim, *_others = [
            subsidies.claim(db.session, item, db.session.get(Employer, resumed_employer()), None)
            for _ in range(3)
        ]
    officials = [factories.user(Role.OFFICIAL, region_code="420102") for _ in range(2)]
    db.session.commit()
    claim_id, policy_id = claim.id, item.id
    official_ids = [o.id for o in officials]

    def reject(n: int) -> int:
        official = db.session.get(User, official_ids[n % 2])
        claims = [db.session.get(SubsidyClaim, claim_id)]
        return subsidies.review(db.session, claims, "reject", official)

    changed = at_once(app, 10, reject)
    assert refusals(changed) == 0 and sum(changed) == 1
    assert db.session.get(SubsidyPolicy, policy_id).committed_amount == 2000
    assert db.session.get(SubsidyClaim, claim_id).status == ClaimStatus.REJECTED
    rejections = sa.select(sa.func.count()).where(AuditEntry.action == "subsidy.reject")
    assert db.session.scalar(rejections) == 1
    assert subsidies.budget_drift(db.session) == []


def test_yunpin_check_finds_budgets_that_do_not_balance(app, runner):
    from app.cli import main
    from app.models import Employer

    item = policy(budget=5000)
    with app.test_request_context(method="POST"):
        subsidies.claim(db.session, item, db.session.get(Employer, resumed_employer()), None)
    db.session.commit()
    balanced = runner.invoke(main, ["check"])
    assert balanced.exit_code == 0 and "balance" in balanced.output
    item.committed_amount = 3000  # what the races of old left behind
    db.session.commit()
    drifted = runner.invoke(main, ["check"])
    assert drifted.exit_code == 1
    assert f"subsidy policy {item.id}: committed 3000, live claims 1000" in drifted.output


@pytest.mark.parametrize(
    ("status", "sectors", "dates", "ended_days_ago", "counted"),
    [
        (AgreementStatus.ACTIVE, [], None, None, 1),  # both regions agreed: the hire counts
        (AgreementStatus.PROPOSED, [], None, None, 0),  # the district never said yes
        (AgreementStatus.DECLINED, [], None, None, 0),
        (AgreementStatus.ACTIVE, ["C"], None, None, 0),  # manufacturing only; employer is in I
        (AgreementStatus.ACTIVE, [], (date(2020, 1, 1), date(2020, 1, 2)), None, 0),  # long over
        (AgreementStatus.ENDED, [], None, 0, 1),  # ended today: applied for while it ran
        (AgreementStatus.ENDED, [], None, 3, 0),  # ended before the candidate applied
    ],
)
def test_a_partner_hire_counts_under_an_agreement_both_regions_made_that_covers_it(
    app, status, sectors, dates, ended_days_ago, counted
):
    employer = factories.employer()  # 江岸区, software
    job = factories.job(employer)
    fields = {"starts_on": dates[0], "ends_on": dates[1]} if dates else {}
    if ended_days_ago is not None:
        fields["ended_at"] = utcnow() - timedelta(days=ended_days_ago)
    factories.agreement("52", "420102", status=status, sectors=sectors, **fields)
    hired = factories.user(Role.SEEKER, region_code="520302")
    factories.application(hired, job, stage=Stage.HIRED, created_at=utcnow() - timedelta(days=1))
    item = policy(budget=5000)
    item.rule = SubsidyRule.PER_HIRE_FROM_PARTNER_REGION
    db.session.flush()
    assert subsidies.partner_hires(db.session, item, employer) == counted


def test_a_recruiter_is_told_who_claims_and_a_refused_claim_says_why_on_the_page(client):
    employer_id = resumed_employer()
    item = policy(budget=1500)
    people = {role: factories.user(Role.EMPLOYER) for role in MemberRole}
    for role, user in people.items():
        db.session.add(EmployerMember(employer_id=employer_id, user_id=user.id, role=role))
    as_user(client, people[MemberRole.RECRUITER])
    page = client.get("/subsidies/").text
    assert not re.search(r"/subsidies/\d+/claim", page)
    assert "Only your company's owner can do that." in page

    item.committed_amount = 1000  # ¥500 left of the budget, less than the ¥1,000 owed
    as_user(client, people[MemberRole.OWNER])
    page = client.get("/subsidies/").text
    assert "The budget of this policy is used up." in page
    assert not re.search(r"/subsidies/\d+/claim", page)
    # a claim sent from a page opened before: the list again with the reason, not a redirect
    # (a browser does not follow one answered with 409)
    refused = post_form(client, f"/subsidies/{item.id}/claim", {}, token_from="/subsidies/")
    assert refused.status_code == 409 and "Redirecting" not in refused.text
    assert 'class="flash error"' in refused.text and "used up" in refused.text


def two_claims_by_one_company(app) -> tuple[list[int], object]:
    """The same company's ¥1,000 claims under two policies, and an official of its district."""
    from app.models import Employer

    first = policy(budget=5000)
    second = policy(budget=5000)
    second.name = "稳岗补贴"
    employer = db.session.get(Employer, resumed_employer())
    with app.test_request_context(method="POST"):
        claims = [subsidies.claim(db.session, p, employer, None) for p in (first, second)]
    official = factories.user(Role.OFFICIAL, region_code="420102")
    db.session.commit()
    return [c.id for c in claims], official


def claims_table(page: str) -> str:
    """The claims list of the officials' page (the policies' table above names them too)."""
    return page.split('class="table claims"')[1].split("</table>")[0]


def actions(page: str) -> list[str]:
    return re.findall(r'name="action" value="(\w+)"', page)


def checkboxes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox"[^>]*>', page)


def test_each_claim_names_its_policy_and_nothing_is_ticked_beforehand(client):
    from app.models import ClaimStatus

    ids, official = two_claims_by_one_company(client.application)
    as_user(client, official)
    page = client.get("/officials/subsidies").text
    claims = claims_table(page)
    assert "复工补贴" in claims and "稳岗补贴" in claims
    boxes = checkboxes(page)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    assert actions(page) == ["approve", "reject"]

    db.session.get(SubsidyClaim, ids[0]).status = ClaimStatus.APPROVED
    db.session.get(SubsidyClaim, ids[1]).status = ClaimStatus.PAID
    db.session.commit()
    approved = client.get("/officials/subsidies?status=approved").text
    assert len(checkboxes(approved)) == 1 and actions(approved) == ["pay", "reject"]
    paid = client.get("/officials/subsidies?status=paid").text  # final: nothing to decide
    assert "稳岗补贴" in claims_table(paid) and not checkboxes(paid) and not actions(paid)


def test_an_unknown_status_shows_the_default_tab_without_codes(client):
    _ids, official = two_claims_by_one_company(client.application)
    as_user(client, official)
    response = client.get("/officials/subsidies?status=bogus", headers={"Accept-Language": "zh"})
    assert response.status_code == 200
    assert "claimed, approved" not in response.text
    assert re.search(r'status=claimed" aria-current="page"', response.text)
    assert len(checkboxes(response.text)) == 2


def test_a_bulk_rejection_covers_only_the_ticked_claims_after_a_confirmation(client):
    from app.models import ClaimStatus

    ids, official = two_claims_by_one_company(client.application)
    official.locale = "en"
    as_user(client, official)
    url, tab = "/officials/subsidies/claims", "/officials/subsidies"

    def statuses() -> list[str]:
        db.session.expire_all()
        return [db.session.get(SubsidyClaim, i).status for i in ids]

    # Nothing ticked: nothing happens, and the official is told why.
    nothing = post_form(client, url, {"action": "reject", "status": "claimed"}, token_from=tab)
    assert nothing.status_code == 302 and statuses() == ["claimed", "claimed"]
    page = client.get(tab).text
    assert 'lang="en"' in page and "Tick the claims" in page

    # One ticked: first the count, the total and the claim itself, nothing rejected yet.
    asked = post_form(
        client, url, {"action": "reject", "status": "claimed", "claim": [ids[1]]}, token_from=tab
    )
    assert asked.status_code == 200 and "Reject 1 claim" in asked.text
    assert "稳岗补贴" in asked.text and "¥1,000" in asked.text and "复工补贴" not in asked.text
    assert statuses() == ["claimed", "claimed"]
    confirmed = {"action": "reject", "status": "claimed", "claim": [ids[1]], "confirmed": "1"}
    assert post_form(client, url, confirmed, token_from=tab).status_code == 302
    assert statuses() == ["claimed", "rejected"]
    rejected = db.session.get(SubsidyClaim, ids[1])
    assert db.session.get(SubsidyPolicy, rejected.policy_id).committed_amount == 0  # given back

    # A claim decided meanwhile (approved by a colleague) is not touched from the old tab,
    # and an action the tab does not offer is refused.
    db.session.get(SubsidyClaim, ids[0]).status = ClaimStatus.APPROVED
    db.session.commit()
    stale = {"action": "reject", "status": "claimed", "claim": [ids[0]], "confirmed": "1"}
    post_form(client, url, stale, token_from=tab)
    assert statuses() == ["approved", "rejected"]
    wrong = {"action": "approve", "status": "approved", "claim": [ids[0]]}
    assert post_form(client, url, wrong, token_from=tab).status_code == 422
    assert statuses() == ["approved", "rejected"]
