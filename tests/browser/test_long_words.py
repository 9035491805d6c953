"""What people type may be one unbroken word of a hundred letters (a job title, a company name,
a recruiter's note, a résumé, a chat message): no page of any role may then scroll sideways on
a phone, in either language (app.css breaks such words: overflow-wrap: anywhere)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Application, ApplicationNote, Employer, Job, Message, Resume, User
from tests.browser.demo_site import demo_site, settle, sign_in
from tests.browser.main_pages import ROLES
from tests.web import VIEWPORTS

LONG = "Supercalifragilistic" * 6  # 120 letters without a space, as the job title field allows
STEM = LONG[:40]


def long_word(key: int) -> str:
    """A 120-letter word ending in KEY, so rows stay apart (search, lists)."""
    return f"{LONG[: 120 - len(str(key))]}{key}"


def fill_with_long_words() -> None:
    """Every job title, company name, résumé and chat message of the demo one long word, and a
    recruiter's note of that kind on every application."""
    session = db.session
    for job in session.scalars(sa.select(Job)):
        job.title = long_word(job.id)
    for employer in session.scalars(sa.select(Employer)):
        employer.name = long_word(employer.id)
    for resume in session.scalars(sa.select(Resume)):
        resume.headline = long_word(resume.id)
        resume.summary = f"{LONG}{LONG} {LONG}"
        resume.experience = [
            {**entry, "title": LONG, "company": LONG, "description": LONG * 3}
            for entry in resume.experience
        ]
    for message in session.scalars(sa.select(Message).where(Message.kind == "text")):
        message.text = LONG * 2
    recruiter = session.scalar(sa.select(User.id).where(User.email == "employer@yunpin.demo"))
    session.add_all(
        ApplicationNote(application_id=application, author_id=recruiter, body=LONG * 2)
        for application in session.scalars(sa.select(Application.id))
    )
    session.commit()


@pytest.fixture(scope="module")
def long_words_site(tmp_path_factory, sqlite_template, redis_server):
    with demo_site(
        tmp_path_factory.mktemp("long-words"), sqlite_template, redis_server, fill_with_long_words
    ) as site:
        yield site


WIDER_THAN_THE_SCREEN = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width + 1) { return null; }
  // The innermost element reaching past the screen's edge names the culprit.
  const past = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1);
  const el = past[past.length - 1];
  return page + ' px wide, past the edge: ' + (el ? el.tagName.toLowerCase() + '.' +
    [...el.classList].join('.') + ' "' + el.textContent.trim().slice(0, 40) + '"' : '?');
}"""

SHOWN = {
    # role: pages that must show the long words (else the walk proves nothing); the
    # candidate's own résumé is a form, whose fields scroll inside themselves
    "anonymous": {"jobs", "job"},
    "seeker": {"applications", "application", "recommendations", "conversation"},
    "employer": {
        "dashboard",
        "jobs",
        "pipeline",
        "application",
        "conversation",
        "talent",
        "resume-search",
    },
    "official": {"reviews", "review", "enterprises"},
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_page_scrolls_sideways_on_a_phone_with_long_words(browser, long_words_site, language):
    base, pages = long_words_site
    wide: list[str] = []
    shown: set[tuple[str, str]] = set()
    for role, (email, _pages_of) in ROLES.items():
        context = browser.new_context(
            viewport=VIEWPORTS["phone"],
            locale="zh-CN" if language == "zh" else "en-GB",
            reduced_motion="reduce",
            extra_http_headers={"Accept-Language": language},
        )
        page = context.new_page()
        if email:
            sign_in(page, base, email, language)
        for name, path in pages[role]:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, (role, path)
            settle(page)
            if STEM in page.locator("main").inner_text():
                shown.add((role, name))
            problem = page.evaluate(WIDER_THAN_THE_SCREEN)
            if problem:
                wide.append(f"{role} {path}: {problem}")
        context.close()
    missing = {(role, name) for role, names in SHOWN.items() for name in names} - shown
    assert not missing, f"pages without the long words: {sorted(missing)}"
    assert not wide, "\n".join(wide)
