"""The résumé page says what the candidate wrote, as they wrote it, and nothing empty."""

from __future__ import annotations

from app.extensions import db
from app.models import Role, Visibility
from tests import factories
from tests.web import as_user


def contact_section(page: str) -> str:
    return page.split("<h2>Contact</h2>")[1].split("</article>")[0]


def test_empty_contact_details_leave_no_empty_labels(client):
    owner = as_user(client, factories.user(Role.SEEKER, locale="en"))
    resume = factories.resume(owner, contact_phone=None, contact_email="")
    db.session.commit()
    contact = contact_section(client.get(f"/resumes/{resume.id}").get_data(as_text=True))
    assert "Phone" not in contact and "Email" not in contact and " · " not in contact
    assert "No phone number or email address given." in contact

    resume.contact_email = "li@example.com"
    db.session.commit()
    contact = contact_section(client.get(f"/resumes/{resume.id}").get_data(as_text=True))
    assert "Phone" not in contact and " · " not in contact
    assert 'Email: <span class="contact-email">li@example.com</span>' in contact


def test_an_employer_sees_masked_details_only_where_there_are_some(client):
    candidate = factories.user(Role.SEEKER)
    resume = factories.resume(
        candidate, contact_phone="13812345678", contact_email=None, visibility=Visibility.PUBLIC
    )
    recruiter = factories.user(Role.EMPLOYER, locale="en")
    factories.employer(owner=recruiter)
    as_user(client, recruiter)
    contact = contact_section(client.get(f"/resumes/{resume.id}").get_data(as_text=True))
    assert 'Phone: <span class="contact-phone">138****5678</span>' in contact
    assert "Email" not in contact and " · " not in contact
    assert "shown in full once the candidate applies" in contact


def test_about_me_keeps_its_lines_and_paragraphs_escaped(client):
    owner = as_user(client, factories.user(Role.SEEKER, locale="en"))
    summary = "五年叉车经验。\r\n持有叉车证。\r\n\r\n<b>能上夜班</b>"
    resume = factories.resume(
        owner,
        summary=summary,
        experience=[{"title": "叉车司机", "description": "装卸货物\n盘点库存"}],
    )
    db.session.commit()
    page = client.get(f"/resumes/{resume.id}").get_data(as_text=True)
    assert (
        '<div class="prose"><p>五年叉车经验。<br>持有叉车证。</p>'
        "<p>&lt;b&gt;能上夜班&lt;/b&gt;</p></div>"
    ) in page
    assert "<p>装卸货物<br>盘点库存</p>" in page
