"""The employer's page of one application labels only the contact details the candidate gave."""

from __future__ import annotations

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user


def contact_section(page: str, heading: str = "Contact") -> str:
    return page.split(f"<h2>{heading}</h2>")[1].split("</section>")[0]


def applied(job, phone, email, resume_email=None):
    candidate = factories.user(Role.SEEKER, email=email, phone=phone)
    resume = factories.resume(candidate, contact_phone=None, contact_email=resume_email)
    application = factories.application(candidate, job, resume_id=resume.id)
    db.session.commit()
    return application


def test_a_candidate_without_a_phone_shows_no_empty_phone_label(client):
    owner = factories.user(Role.EMPLOYER, locale="en")
    job = factories.job(factories.employer(owner))
    application = applied(job, phone=None, email="x@example.com")
    as_user(client, owner)
    contact = contact_section(
        client.get(f"/applications/review/{application.id}").get_data(as_text=True)
    )
    assert "Phone" not in contact and " · " not in contact
    assert 'Email: <span class="contact-email">x@example.com</span>' in contact


def test_both_details_given_are_both_labelled_in_chinese(client):
    owner = factories.user(Role.EMPLOYER, locale="zh")
    job = factories.job(factories.employer(owner))
    application = applied(
        job, phone="13912345678", email="x@example.com", resume_email="r@example.com"
    )
    as_user(client, owner)
    contact = contact_section(
        client.get(f"/applications/review/{application.id}").get_data(as_text=True), "联系方式"
    )
    assert '联系电话：<span class="contact-phone">13912345678</span> · ' in contact
    assert '邮箱：<span class="contact-email">r@example.com</span>' in contact
