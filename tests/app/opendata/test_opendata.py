"""Open job data: JSON-LD on job pages, the sitemap, robots.txt and Atom feeds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

from app.extensions import db
from app.models import JobStatus, Region, SalaryPeriod
from app.opendata import service
from tests import factories
from tests.web import no_writes

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# Google's required JobPosting properties, and the ones the issue names besides.
REQUIRED = {"title", "description", "datePosted", "hiringOrganization", "jobLocation"}
NAMED = {"validThrough", "employmentType", "baseSalary", "directApply"}


def json_ld(page: str) -> dict:
    found = JSON_LD.findall(page)
    assert len(found) == 1, "one JSON-LD block"
    return json.loads(found[0])


def test_public_job_page_carries_a_complete_job_posting(client):
    employer = factories.employer(address="解放大道1号")
    job = factories.job(
        employer, deadline=date(2026, 12, 31), salary_period=SalaryPeriod.MONTH, headcount=3
    )
    db.session.commit()
    with no_writes():
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    posting = json_ld(page)
    assert posting["@context"].startswith("https://schema.org")
    assert posting["@type"] == "JobPosting"
    assert posting.keys() >= REQUIRED | NAMED
    assert posting["title"] == "Java开发工程师"
    assert posting["datePosted"] == "2026-11-01T08:00:00+08:00"
    assert posting["validThrough"] == "2026-12-31T23:59:59+08:00"
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["hiringOrganization"]["@type"] == "Organization"
    assert posting["hiringOrganization"]["name"] == employer.name
    address = posting["jobLocation"]["address"]
    assert address == {
        "@type": "PostalAddress",
        "streetAddress": "解放大道1号",
        "addressLocality": "武汉市",
        "addressRegion": "湖北省",
        "addressCountry": "CN",
    }
    salary = posting["baseSalary"]
    assert salary["currency"] == "CNY"
    assert salary["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 10000,
        "maxValue": 20000,
        "unitText": "MONTH",
    }
    assert posting["directApply"] is True


def test_addresses_name_places_not_the_trees_placeholders(client):
    """A municipality's district and a county-level city under its province are the
    locality, never 市辖区 or 省直辖县级行政区划; with no street given, the region path is."""
    db.session.add_all(
        Region(code=code, name=name, level=level, parent_code=parent)
        for code, name, level, parent in [
            ("11", "北京市", 1, None),
            ("1101", "市辖区", 2, "11"),
            ("110101", "东城区", 3, "1101"),
            ("110101001", "东华门街道", 4, "110101"),
            ("4290", "省直辖县级行政区划", 2, "42"),
            ("429004", "仙桃市", 3, "4290"),
        ]
    )
    beijing = factories.job(factories.employer(region_code="110101001", address=""))
    xiantao = factories.job(factories.employer(region_code="429004", address="钱沟路8号"))
    db.session.commit()
    addresses = [
        json_ld(client.get(f"/jobs/{job.id}").get_data(as_text=True))["jobLocation"]["address"]
        for job in (beijing, xiantao)
    ]
    assert [(a["addressRegion"], a["addressLocality"], a["streetAddress"]) for a in addresses] == [
        ("北京市", "东城区", "东华门街道"),
        ("湖北省", "仙桃市", "钱沟路8号"),
    ]
    assert all(a["addressCountry"] == "CN" for a in addresses)


def test_html_in_a_description_cannot_end_the_script_block(client):
    job = factories.job(factories.employer(), description="</script><script>alert(1)</script>")
    db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "alert(1)</script>" not in page.split("application/ld+json", 1)[1].split("</script>")[0]
    assert "<script>alert" not in json_ld(page)["description"]


def test_draft_job_page_has_no_job_posting(client):
    owner = factories.user(factories.Role.EMPLOYER)
    draft = factories.job(factories.employer(owner), status=JobStatus.DRAFT)
    db.session.commit()
    from tests.web import as_user

    as_user(client, owner)
    assert not JSON_LD.search(client.get(f"/jobs/{draft.id}").get_data(as_text=True))


def locations(response) -> list[str]:
    root = ET.fromstring(response.data)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_public_jobs_only_and_robots_names_it(client):
    employer = factories.employer()
    public = factories.job(employer)
    draft = factories.job(employer, status=JobStatus.DRAFT)
    unverified = factories.job(factories.employer(verified=False))
    db.session.commit()
    with no_writes():
        response = client.get("/sitemap.xml")
        robots = client.get("/robots.txt").get_data(as_text=True)
    assert response.mimetype == "application/xml"
    urls = locations(response)
    assert f"http://yunpin.test/jobs/{public.id}" in urls
    assert f"http://yunpin.test/jobs/{draft.id}" not in urls
    assert f"http://yunpin.test/jobs/{unverified.id}" not in urls
    assert "Sitemap: http://yunpin.test/sitemap.xml" in robots.splitlines()


def test_sitemap_becomes_an_index_past_the_limit(app, client):
    app.config["SITEMAP_LIMIT"] = 2
    employer = factories.employer()
    jobs = [factories.job(employer) for _ in range(5)]
    db.session.commit()
    index = client.get("/sitemap.xml")
    assert ET.fromstring(index.data).tag == f"{SITEMAP}sitemapindex"
    pages = locations(index)
    # Seven URLs (the home page, the job search, five jobs), two a file.
    assert pages == [f"http://yunpin.test/sitemaps/jobs-{n}.xml" for n in (1, 2, 3, 4)]
    listed = [
        url
        for page in pages
        for url in locations(client.get(page.removeprefix("http://yunpin.test")))
    ]
    assert {f"http://yunpin.test/jobs/{j.id}" for j in jobs} <= set(listed)
    assert client.get("/sitemaps/jobs-5.xml").status_code == 404
    assert client.get("/sitemaps/jobs-0.xml").status_code == 404


def test_no_sitemap_file_holds_more_urls_than_the_limit(app, client):
    """sitemaps.org allows 50,000 URLs a file: the home page and the job search count."""
    app.config["SITEMAP_LIMIT"] = 3
    employer = factories.employer()
    jobs = [factories.job(employer) for _ in range(3)]
    db.session.commit()
    single = locations(client.get("/sitemap.xml"))  # the jobs fit: one file, jobs first
    assert single == [f"http://yunpin.test/jobs/{j.id}" for j in jobs]
    jobs.append(factories.job(employer))  # past the limit: an index
    db.session.commit()
    pages = locations(client.get("/sitemap.xml"))
    files = [locations(client.get(page.removeprefix("http://yunpin.test"))) for page in pages]
    assert [len(urls) for urls in files] == [3, 3]
    assert [url for urls in files for url in urls] == [
        "http://yunpin.test/",
        "http://yunpin.test/jobs/",
        *(f"http://yunpin.test/jobs/{j.id}" for j in jobs),
    ]
    assert service.SITEMAP_LIMIT == 50_000


def test_atom_feeds_per_region_and_category(client):
    employer = factories.employer()
    in_region = factories.job(employer, category="2-02-10-03", title="后端工程师")
    elsewhere = factories.job(factories.employer(region_code="520302"), category="4-01-01-01")
    db.session.commit()
    with no_writes():
        region = client.get("/feeds/regions/4201.atom")
        category = client.get("/feeds/categories/2-02.atom")
    assert region.mimetype == "application/atom+xml"
    for feed in (region, category):
        root = ET.fromstring(feed.data)
        links = [e.find(f"{ATOM}id").text for e in root.iter(f"{ATOM}entry")]
        assert links == [f"http://yunpin.test/jobs/{in_region.id}"]
        assert f"http://yunpin.test/jobs/{elsewhere.id}" not in links
        # the pay with its period, as the job page shows it
        summary = root.find(f"{ATOM}entry").find(f"{ATOM}summary").text
        assert "¥10,000–20,000/月" in summary or "¥10,000–20,000 per month" in summary
    assert client.get("/feeds/regions/999999.atom").status_code == 404
    assert client.get("/feeds/categories/x'.atom").status_code == 404
