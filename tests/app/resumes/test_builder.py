"""The résumé builder: repeating sections without JavaScript, validation, saving."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from app.extensions import db
from app.models import Resume, Role
from tests import factories
from tests.web import login, post_form

BASE = {
    "headline": "焊工",
    "summary": "十年经验",
    "skills": "焊接, 电工",
    "certificates": "焊工证",
    "education_level": "vocational",
    "years_experience": "10",
    "expected_salary_min": "6000",
    "expected_salary_max": "9000",
    "expected_region_codes": "4201, 5203",
    "region_code": "420102",
    "available_from": "2026-03-01",
    "contact_phone": "13812345678",
    "contact_email": "Li@Example.com",
    "visibility": "public",
}


def seeker(client):
    user = factories.user(Role.SEEKER)
    db.session.commit()
    login(client, user.email, factories.PASSWORD)
    return user


def test_builder_saves_repeating_sections_and_skips_blank_rows(client):
    user = seeker(client)
    page = client.get("/resumes/mine").get_data(as_text=True)
    assert 'name="experience-0-title"' in page and 'name="education-0-school"' in page
    data = {
        **BASE,
        "experience-0-title": "焊工",
        "experience-0-company": "武汉钢铁有限公司",
        "experience-0-start": "2015-03",
        "experience-0-end": "2025-01",
        "experience-0-years": "10",
        "experience-1-title": "",
        "experience-1-company": "",
        "education-0-school": "武汉技师学院",
        "education-0-degree": "vocational",
        "education-0-start": "2012",
        "education-0-end": "2015",
        "education-1-school": "",
    }
    response = post_form(client, "/resumes/mine", data)
    assert response.status_code == 302
    resume = db.session.scalar(select(Resume).where(Resume.user_id == user.id))
    assert resume.experience == [
        {
            "title": "焊工",
            "company": "武汉钢铁有限公司",
            "description": "",
            "start": "2015-03",
            "end": "2025-01",
            "years": 10,
        }
    ]
    assert [e["school"] for e in resume.education] == ["武汉技师学院"]
    assert resume.expected_region_codes == ["4201", "5203"]
    assert resume.contact_email == "li@example.com"
    assert str(resume.available_from) == "2026-03-01"


def test_add_another_row_posts_back_without_saving(client):
    seeker(client)
    data = {**BASE, "experience-0-title": "焊工", "add": "experience"}
    response = post_form(client, "/resumes/mine", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="experience-1-title"' in page
    assert db.session.scalar(select(func.count()).select_from(Resume)) == 0


def test_invalid_input_is_explained_and_nothing_saved(client):
    seeker(client)
    data = {
        **BASE,
        "headline": "",
        "expected_salary_min": "9000",
        "expected_salary_max": "6000",
        "expected_region_codes": "999999",
        "experience-0-title": "焊工",
        "experience-0-start": "2020-05",
        "experience-0-end": "2019-01",
    }
    response = post_form(client, "/resumes/mine", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "999999" in page  # the unknown region is named
    assert db.session.scalar(select(func.count()).select_from(Resume)) == 0


def test_only_seekers_build_resumes(client):
    employer_user = factories.user(Role.EMPLOYER)
    db.session.commit()
    login(client, employer_user.email, factories.PASSWORD)
    assert client.get("/resumes/mine").status_code == 403


def test_places_and_occupations_are_typed_by_name_and_shown_by_name(client):
    user = seeker(client)
    data = {
        **BASE,
        "expected_occupations": "计算机软件工程技术人员、护士",
        "expected_region_codes": "湖北省武汉市江岸区，遵义市",
        "region_code": "湖北省 武汉市 江汉区 民意街道",
    }
    assert post_form(client, "/resumes/mine", data).status_code == 302
    resume = db.session.scalar(select(Resume).where(Resume.user_id == user.id))
    assert resume.expected_region_codes == ["420102", "5203"]
    assert resume.region_code == "420103002"
    assert resume.expected_occupations[0] == "2-02-10-03" and len(resume.expected_occupations) == 2
    page = client.get(f"/resumes/{resume.id}").get_data(as_text=True)
    # an English page: the places and occupations typed in Chinese are named in English
    assert "Minyi Subdistrict, Jianghan District, Wuhan, Hubei Province" in page
    assert "Software engineer" in page
    # labels name the résumé's facts: an employer reads this page too, not only its owner
    assert "Preferred work locations" in page and "Current location" in page
    assert "Where I" not in page and "I am looking for" not in page
    assert "420103002" not in page.split("<main", 1)[1].split("data-", 1)[0]
    form = client.get("/resumes/mine").get_data(as_text=True)
    shown = "Jiang&#39;an District, Wuhan, Hubei Province; Zunyi, Guizhou Province"
    assert f'value="{shown}"' in form  # names, the codes for the picker
    sent_back = {**data, "expected_region_codes": html.unescape(shown)}
    assert post_form(client, "/resumes/mine", sent_back).status_code == 302  # as shown, no script
    db.session.refresh(resume)
    assert resume.expected_region_codes == ["420102", "5203"]

    data["region_code"] = "火星"
    response = post_form(client, "/resumes/mine", data)
    assert response.status_code == 422 and "No place is called “火星”" in response.get_data(
        as_text=True
    )


def test_dates_show_only_what_the_resume_says(client):
    user = seeker(client)
    resume = factories.resume(
        user,
        experience=[
            {"title": "装配工", "company": "甲厂", "start": "2021-03"},  # still there
            {"title": "普工", "company": "乙厂"},  # no dates given
        ],
        education=[{"school": "邯郸职业技术学院", "degree": "junior_college", "end": "2019"}],
    )
    db.session.commit()
    page = client.get(f"/resumes/{resume.id}").get_data(as_text=True)
    jobs, schools = (part.split("</ul>")[0] for part in page.split('<ul class="timeline">')[1:])
    assert "2021-03–" in jobs  # ongoing: "–now" in the reader's language
    assert jobs.count('class="hint"') == 1  # the job without dates has none, not a bare dash
    assert '<span class="hint">2019</span>' in schools
