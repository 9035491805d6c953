"""A résumé file whose draft was copied into the résumé says so, and copying it again (or two
copies at once) adds each job and school once."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ParseStatus, Resume, ResumeFile, Role, User
from app.resumes.service import confirm_draft
from tests import factories
from tests.app.resumes.test_upload import make_docx, parsed, seeker, upload
from tests.concurrency import at_once, posted_at_once, refusals
from tests.web import csrf_token, login, post_form

ALL = ["headline", "skills", "phone", "email", "expected_salary", "education", "experience"]


def confirm(client, item: ResumeFile, fields=ALL):
    url = f"/resumes/files/{item.id}"
    return post_form(client, f"{url}/confirm", {"fields": fields}, token_from=url)


def the_resume() -> Resume:
    db.session.expire_all()
    return db.session.scalar(select(Resume))


def test_a_confirmed_file_says_so_and_a_second_confirm_adds_nothing_twice(client, worker):
    seeker(client)
    item = parsed(worker, upload(client, make_docx(), "简历.docx"))
    assert item.parse_status == ParseStatus.PARSED, item.parse_error
    assert "Ready to review" in client.get("/resumes/mine").get_data(as_text=True)

    assert confirm(client, item).status_code == 303
    first = the_resume()
    jobs, schools, skills = list(first.experience), list(first.education), list(first.skills)
    assert len(jobs) == 1 and len(schools) == 2 and skills
    db.session.refresh(item)
    assert item.confirmed_at is not None
    mine = client.get("/resumes/mine").get_data(as_text=True)
    assert "Added to your résumé" in mine and "Ready to review" not in mine
    page = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "You added this file to your résumé on" in page

    # The candidate rewrote the job's duties in the builder meanwhile: still the same job.
    first.experience = [{**jobs[0], "description": "负责焊接质量"}]
    db.session.commit()
    response = confirm(client, item)
    assert response.status_code == 303
    again = the_resume()
    assert [job["description"] for job in again.experience] == ["负责焊接质量"]
    assert again.education == schools and again.skills == skills
    flashed = client.get("/resumes/mine").get_data(as_text=True)
    assert "What your résumé did not have yet was added." in flashed


def test_a_second_confirm_adds_what_the_first_left_out(client, worker):
    seeker(client)
    item = parsed(worker, upload(client, make_docx(), "简历.docx"))
    assert confirm(client, item, ["experience"]).status_code == 303
    assert the_resume().education == []
    assert confirm(client, item, ["experience", "education"]).status_code == 303
    resume = the_resume()
    assert len(resume.experience) == 1 and len(resume.education) == 2


DRAFT = {
    "headline": "焊工",
    "skills": ["焊接"],
    "education": [{"school": "武汉技师学院", "degree": "vocational", "start": "2010-09"}],
    "experience": [{"title": "焊工", "company": "武汉钢铁有限公司", "start": "2013-07"}],
}
FIELDS = ["education", "experience", "skills"]


def parsed_files(user, count: int) -> list[int]:
    """COUNT files of USER already read into DRAFT (the same résumé uploaded COUNT times)."""
    files = [
        ResumeFile(
            user_id=user.id,
            filename=f"简历{n}.pdf",
            stored_name=f"{user.id}-stored-{n}",
            content_type="application/pdf",
            size=1,
            parse_status=ParseStatus.PARSED,
            parsed_fields=DRAFT,
        )
        for n in range(count)
    ]
    db.session.add_all(files)
    db.session.commit()
    return [item.id for item in files]


def assert_one_of_each() -> None:
    resumes = db.session.scalars(select(Resume)).all()
    assert len(resumes) == 1
    (resume,) = resumes
    db.session.refresh(resume)
    assert len(resume.experience) == 1 and len(resume.education) == 1
    assert resume.skills == ["焊接"]


def test_a_double_tap_on_confirm_adds_each_entry_once(app):
    user = factories.user(Role.SEEKER)
    (file_id,) = parsed_files(user, 1)
    url, email = f"/resumes/files/{file_id}", user.email

    def prepare(_n, browser):
        login(browser, email, factories.PASSWORD)
        return {"data": {"csrf_token": csrf_token(browser, url), "fields": FIELDS}}

    responses = posted_at_once(app, f"{url}/confirm", 3, prepare)
    assert [response.status_code for response in responses] == [303] * 3
    assert_one_of_each()


def test_two_files_of_one_resume_confirmed_at_once_add_each_entry_once(app):
    user = factories.user(Role.SEEKER)
    ids, user_id = parsed_files(user, 2), user.id

    def work(n: int) -> None:
        owner = db.session.get(User, user_id)
        confirm_draft(owner, db.session.get(ResumeFile, ids[n]), FIELDS)

    assert refusals(at_once(app, 2, work)) == 0
    assert_one_of_each()
    assert all(db.session.get(ResumeFile, file_id).confirmed_at for file_id in ids)
