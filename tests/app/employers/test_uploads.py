"""Uploads are judged by their bytes, capped at 10 MB, and stored under random names."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import EmployerDocument
from app.uploads import MAX_BYTES
from tests import factories
from tests.app.employers.helpers import ELF, PDF, PE, PNG, file
from tests.web import as_user, post_form

VERIFY = "/employers/mine/verification"


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(EmployerDocument))


@pytest.fixture
def owner(client):
    employer = factories.employer(verified=False)
    return as_user(client, employer.members[0].user)


@pytest.mark.parametrize(
    "content", [ELF, PE, b"hello, not a pdf", b"<html><script>alert(1)</script>"]
)
def test_renamed_or_fake_files_are_refused(client, owner, content):
    response = post_form(
        client, VERIFY, {"legal_rep_name": "王五", "business_licence": file(content, "licence.pdf")}
    )
    assert response.status_code == 415
    assert documents() == 0
    assert not [
        n for n in os.listdir(client.application.config["UPLOAD_FOLDER"]) if not n.startswith(".")
    ]


def test_oversized_files_are_refused(client, owner):
    just_over = PDF + b"0" * (MAX_BYTES + 1 - len(PDF))
    assert (
        post_form(client, VERIFY, {"business_licence": file(just_over, "big.pdf")}).status_code
        == 413
    )
    far_over = PDF + b"0" * (MAX_BYTES * 2)
    assert (
        post_form(client, VERIFY, {"business_licence": file(far_over, "big.pdf")}).status_code
        == 413
    )
    assert documents() == 0


def test_good_files_get_random_names_and_keep_the_display_name(client, owner):
    response = post_form(
        client,
        VERIFY,
        {
            "business_licence": file(PDF, "../../etc/营业执照.pdf"),
            "legal_rep_id": file(PNG, "id.jpg"),
        },
    )
    assert response.status_code == 302
    licence, photo = db.session.scalars(
        select(EmployerDocument).order_by(EmployerDocument.id)
    ).all()
    assert licence.filename == "营业执照.pdf" and licence.content_type == "application/pdf"
    assert photo.content_type == "image/png" and photo.stored_name.endswith(".png")  # the bytes win
    assert "/" not in licence.stored_name and len(licence.stored_name) == 36
    assert os.path.isfile(
        os.path.join(client.application.config["UPLOAD_FOLDER"], licence.stored_name)
    )


def test_logo_must_be_an_image(client, owner):
    employer = owner.membership.employer
    data = {
        "name": employer.name,
        "credit_code": employer.credit_code,
        "industry": "I",
        "size": "small",
        "region_code": employer.region_code,
    }
    assert (
        post_form(
            client, "/employers/mine/edit", {**data, "logo": file(PDF, "logo.png")}
        ).status_code
        == 415
    )
    assert (
        post_form(
            client, "/employers/mine/edit", {**data, "logo": file(PNG, "logo.png")}
        ).status_code
        == 302
    )
    db.session.refresh(employer)
    assert employer.logo_path.endswith(".png")
    logo = client.get(f"/employers/{employer.id}/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"


def test_the_refusal_lists_the_accepted_types_in_the_readers_language(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"
    user = factories.employer(verified=False).members[0].user
    user.locale = "zh"
    as_user(client, user)
    response = post_form(
        client, VERIFY, {"legal_rep_name": "王五", "business_licence": file(ELF, "licence.pdf")}
    )
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    assert "不支持该文件类型（支持：" in page and "、" in page.split("支持：", 1)[1].split("）")[0]
