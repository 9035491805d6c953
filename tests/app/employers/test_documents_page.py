"""The documents page (认证材料): a refused file is named beside its own field and the good one
sent with it is kept; lists and labels are punctuated as the reader's language writes them."""

from __future__ import annotations

import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from app.extensions import db
from app.models import DocumentKind, EmployerDocument, ReviewDecision, VerificationReview
from tests import factories
from tests.app.employers.helpers import ELF, PDF, file
from tests.web import as_user, post_form

VERIFY = "/employers/mine/verification"


@pytest.fixture
def owner(client):
    employer = factories.employer(verified=False)
    employer.legal_rep_name = None
    db.session.commit()
    return as_user(client, employer.members[0].user)


def errors_by_field(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, text in re.findall(r'<p class="error" id="([\w-]+)-error">([^<]*)</p>', page):
        found.setdefault(field, []).append(text)
    return found


def test_a_bad_file_is_named_beside_its_field_and_the_good_one_is_kept(client, owner):
    sent = {
        "legal_rep_name": "王五",
        "business_licence": file(PDF, "营业执照.pdf"),
        "legal_rep_id": file(ELF, "身份证.jpg"),
        "action": "submit",
    }
    response = post_form(client, VERIFY, sent)
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    errors = errors_by_field(page)
    assert list(errors) == ["legal_rep_id"]
    assert errors["legal_rep_id"][0].startswith("This file is not an accepted type")
    assert "Everything else was saved; choose the file marked below again." in page
    assert "营业执照.pdf" in page  # listed under the current documents
    (kept,) = db.session.scalars(select(EmployerDocument)).all()
    assert kept.kind == DocumentKind.BUSINESS_LICENCE and kept.filename == "营业执照.pdf"
    employer = owner.membership.employer
    db.session.refresh(employer)
    assert employer.legal_rep_name == "王五"
    assert employer.verification_state.value != "submitted"  # a refusal submits nothing

    # Only the refused one is chosen again.
    again = post_form(
        client, VERIFY, {"legal_rep_name": "王五", "legal_rep_id": file(PDF, "id.pdf")}
    )
    assert again.status_code == 302
    kinds = set(db.session.scalars(select(EmployerDocument.kind)))
    assert kinds == {DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID}


def test_a_lone_bad_file_keeps_nothing_and_says_nothing_was_saved(client, owner):
    response = post_form(client, VERIFY, {"business_licence": file(ELF, "licence.pdf")})
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    assert list(errors_by_field(page)) == ["business_licence"]
    assert "Everything else was saved" not in page
    assert db.session.scalars(select(EmployerDocument)).all() == []


def test_the_page_punctuates_lists_and_labels_in_chinese(client, owner):
    employer = owner.membership.employer
    db.session.add(
        VerificationReview(
            employer_id=employer.id, decision=ReviewDecision.RETURNED, reasons="执照模糊"
        )
    )
    owner.locale = "zh"
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"
    refresh()
    page = client.get(VERIFY).get_data(as_text=True)
    assert "尚缺：营业执照、法定代表人身份证件和法定代表人姓名。" in page
    assert "; " not in page.split("尚缺：", 1)[1].split("</p>", 1)[0]
    assert "已退回：执照模糊" in page

    assert post_form(client, VERIFY, {"action": "submit"}).status_code == 303
    flashed = client.get(VERIFY).get_data(as_text=True)  # the refusal, above the same hint
    assert flashed.count("尚缺：营业执照、法定代表人身份证件和法定代表人姓名。") == 2
