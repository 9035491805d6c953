"""The phone-first interface in Debian's Chromium (issue 14): the header folds into a menu,
tables become cards, badges never stack, places and occupations are chosen by name, and the
signed-in home lists next steps instead of sign-up buttons."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Job, Role, Stage
from tests import factories

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def log_in(browser, base, email, viewport, locale="en-US"):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main button.button").click()
    page.wait_for_url(base + "/")
    return context, page


@pytest.fixture
def hiring(live_server):
    base, app = live_server
    with app.app_context():
        owner = factories.user(Role.EMPLOYER, email="owner@example.com", locale="en")
        employer = factories.employer(owner, name="江岸物流有限公司")
        job = factories.job(employer, title="仓库管理员")
        for n, name in enumerate(["欧阳娜娜", "李雷", "韩梅梅"]):
            seeker = factories.user(Role.SEEKER, name=name, email=f"s{n}@example.com")
            factories.resume(seeker)
            factories.application(seeker, job, stage=Stage.NEW if n else Stage.REJECTED)
        db.session.commit()
        return base, app, job.id


@pytest.mark.browser
def test_phone_header_is_one_row_with_a_menu_and_tables_are_cards(browser, hiring):
    base, _app, job_id = hiring
    context, page = log_in(browser, base, "owner@example.com", PHONE)
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 72  # one row, not 230-280 px of links
    assert not page.locator("#main-nav").is_visible()
    page.locator(".menu-toggle").click()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    assert page.locator("#main-nav").get_by_text("Applicants").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#main-nav").is_visible()

    # The home page: next steps for this employer, no sign-up pitch.
    assert page.locator(".next-steps").get_by_text("Review 2 new applicants").is_visible()
    assert page.get_by_text("Start as an employer").count() == 0

    page.goto(f"{base}/applications/jobs/{job_id}")
    assert page.locator("table.table--cards").count() == 1
    name = page.locator("tbody tr td:nth-child(2) a").first.bounding_box()
    assert name["width"] > 40 and name["height"] < 40  # a name on one line, not a column
    label = page.evaluate(
        "getComputedStyle(document.querySelector('tbody td:nth-child(2)'), '::before').content"
    )
    assert "Candidate" in label
    badge = page.locator("tbody .stage").first.bounding_box()
    assert badge["height"] < 40 and badge["width"] > badge["height"]  # never one character a line
    context.close()

    context, page = log_in(browser, base, "owner@example.com", DESKTOP)
    assert page.locator("#main-nav").is_visible() and not page.locator(".menu-toggle").is_visible()
    page.goto(f"{base}/applications/jobs/{job_id}")
    assert page.locator("thead").is_visible()  # a real table on wide screens
    name = page.locator("tbody tr td:nth-child(2) a").first.bounding_box()
    assert name["width"] > 60 and name["height"] < 30
    context.close()


@pytest.mark.browser
def test_places_and_occupations_are_chosen_by_name(browser, hiring):
    base, app, _job_id = hiring
    context, page = log_in(browser, base, "owner@example.com", PHONE)
    page.goto(base + "/employers/mine/jobs/new")
    page.locator("#title").fill("软件测试工程师")

    # Occupation: type a name, pick it with the keyboard.
    occupation = page.locator(".picker--occupation [role=combobox]")
    occupation.fill("计算机软件工程")
    page.locator(".picker--occupation [role=option]").first.wait_for()
    occupation.press("ArrowDown")
    occupation.press("Enter")
    # The owner reads English: names are shown in English, typed in either language.
    assert page.locator(".picker--occupation .picker__chip").inner_text().startswith("Software")
    assert re.fullmatch(r"\d-\d\d-\d\d-\d\d", page.locator("input[name=category]").input_value())

    # Region: the employer's village is pre-chosen, shown by its full name with a select per level.
    region = page.locator(".picker--region")
    assert (
        "Sandeli Community, Dazhi Subdistrict, Jiang'an District, Wuhan, Hubei Province"
        in region.locator(".picker__chip").inner_text()
    )
    assert region.locator("select").count() == 5
    # Choose another district by typing its name, then narrow it down with the selects.
    search = region.locator("[role=combobox]")
    search.fill("江汉")
    region.locator("[role=option]").first.click()
    assert page.locator("input[name=region_code]").input_value() == "420103"
    region.locator("select[data-level='4']").select_option(label="Minyi Subdistrict")
    expect(page.locator("input[name=region_code]")).to_have_value("420103002")
    minyi = "Minyi Subdistrict, Jianghan District, Wuhan, Hubei Province"
    assert minyi in region.locator(".picker__chip").inner_text()
    # No code is shown anywhere a person reads.
    visible = page.locator("main").inner_text()
    assert "420103" not in visible and "2-02-" not in visible

    page.locator("#salary_min").fill("6000")
    page.locator("#salary_max").fill("9000")
    page.locator("button[value=publish]").click()
    page.wait_for_load_state()
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.title == "软件测试工程师"))
        assert job.region_code == "420103002" and job.category.startswith("2-02-")
        job_id = job.id
    page.goto(f"{base}/jobs/{job_id}")
    assert minyi in page.locator("main").inner_text()
    context.close()


@pytest.mark.browser
def test_a_typed_place_name_is_enough_without_javascript(browser, hiring):
    """Without the picker a person types the name; nobody is asked for a code."""
    base, app, _job_id = hiring
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.locator("#email").fill("owner@example.com")
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main button.button").click()
    page.goto(base + "/employers/mine/jobs/new")
    # An English page names the place in English, smallest first.
    assert page.locator("#region_code").input_value() == (
        "Sandeli Community, Dazhi Subdistrict, Jiang'an District, Wuhan, Hubei Province"
    )
    assert page.locator("#main-nav").is_visible()  # no script, no folding: the links stay
    page.locator("#title").fill("叉车司机")
    page.locator("#region_code").fill("湖北省武汉市江汉区民意街道")
    page.locator("#salary_min").fill("5000")
    page.locator("#salary_max").fill("7000")
    page.locator("button[value=draft]").click()
    page.wait_for_load_state()
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.title == "叉车司机"))
        assert job is not None and job.region_code == "420103002"
    page.goto(base + "/employers/mine/jobs/new")
    page.locator("#title").fill("叉车司机二")
    page.locator("#region_code").fill("火星")
    page.locator("#salary_min").fill("5000")
    page.locator("#salary_max").fill("7000")
    page.locator("button[value=draft]").click()
    assert "No place is called “火星”" in page.locator("main").inner_text()
    context.close()
