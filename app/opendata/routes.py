"""/robots.txt, /sitemap.xml (an index of /sitemaps/jobs-<n>.xml past 50,000 jobs) and
Atom feeds of public jobs per region and per category. All public, read-only, cacheable."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Region, utcnow
from app.opendata import service

bp = Blueprint("opendata", __name__)


@bp.app_template_global()
def job_posting_json_ld(job) -> dict:
    """The job page's JSON-LD (templates: ``{{ job_posting_json_ld(job)|tojson }}``)."""
    return service.job_posting(job)


CACHE = "public, max-age=900"


def xml(body: str, mimetype: str = "application/xml") -> Response:
    return Response(body, mimetype=mimetype, headers={"Cache-Control": CACHE})


def sitemap_limit() -> int:
    return current_app.config.get("SITEMAP_LIMIT", service.SITEMAP_LIMIT)


@bp.route("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        # Private areas: nothing there is for search engines, and crawling them costs.
        "Disallow: /api/",
        "Disallow: /auth/",
        "Disallow: /settings",
        "Disallow: /officials/",
        "Disallow: /admin/",
        "Disallow: /employers/mine/",
        f"Sitemap: {url_for('opendata.sitemap', _external=True)}",
    ]
    return Response(
        "\n".join(lines) + "\n", mimetype="text/plain", headers={"Cache-Control": CACHE}
    )


@bp.route("/sitemap.xml")
def sitemap():
    """The jobs themselves while they fit in one file; an index of the pages past that."""
    limit = sitemap_limit()
    pages = service.sitemap_page_count(limit)
    if pages > 1:
        return xml(render_template("opendata/sitemap_index.xml", pages=pages))
    return sitemap_page(1)


@bp.route("/sitemaps/jobs-<int:page>.xml")
def sitemap_page(page: int):
    limit = sitemap_limit()
    if not 1 <= page <= service.sitemap_page_count(limit):
        abort(404)
    static, jobs = service.sitemap_entries(page, limit)
    return xml(
        render_template("opendata/sitemap.xml", jobs=jobs, static=static, w3c=service.beijing)
    )


def feed(title: str, self_url: str, jobs) -> Response:
    return xml(
        render_template(
            "opendata/feed.xml",
            title=title,
            self_url=self_url,
            jobs=jobs,
            stamp=service.beijing,
            updated=service.beijing(max((j.updated_at for j in jobs), default=utcnow())),
            posting=service.job_posting,
        ),
        "application/atom+xml",
    )


@bp.route("/feeds/regions/<code>.atom")
def region_feed(code: str):
    region = db.session.get(Region, code) if code.isdigit() and len(code) <= 12 else None
    if region is None:
        abort(404)
    return feed(
        _("Jobs in %(region)s", region=region.name),
        url_for("opendata.region_feed", code=code, _external=True),
        service.feed_jobs(region_code=code),
    )


@bp.route("/feeds/categories/<code>.atom")
def category_feed(code: str):
    """CODE: a CSCO 2022 occupation code or a prefix of one (2-02 is every engineer)."""
    if not code or len(code) > 16 or any(c not in "0123456789-" for c in code):
        abort(404)
    return feed(
        _("Jobs in category %(code)s", code=code),
        url_for("opendata.category_feed", code=code, _external=True),
        service.feed_jobs(category=code),
    )
