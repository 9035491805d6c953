"""One language per page, names instead of codes: every page each role reaches, in Chinese
and in English, on the demo data.

Each role starts at the home page and follows the links it is shown (same site, GET, HTML
answers), at most PER_PATTERN pages per route shape (/jobs/1 and /jobs/2 are one shape), so
new pages are covered without editing this file. On each page the visible text (and the
placeholder, title and aria-label a person hears or sees) must hold:
  * in zh: no Latin word that is not user data (names, titles, skills the demo typed) nor in
    ALLOWED_LATIN (brands, units, file formats);
  * in en: no Chinese that is not user data (a company name, an address typed in Chinese):
    places and occupations are named in English (romanised, or the English occupation names),
    so the names of the region tree and of CSCO are not data here;
  * in both: no raw enum value (snake_case identifiers), no region or occupation code, no
    time-zone identifier.
User data is every string stored in the database but the region tree's names: a run of the
other language found in it is data, not an untranslated interface.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.web import login, post_form

PER_PATTERN = 2
MAX_PAGES = 90
SKIPPED_PREFIXES = ("/static/", "/api/", "/dev/", "/auth/logout", "/language")
SKIPPED_SUFFIXES = (".csv", ".ics", ".json", ".jpg", ".png", ".pdf")
ROLES = [
    None,
    "seeker@yunpin.demo",
    "employer@yunpin.demo",
    "pending@yunpin.demo",
    "official@yunpin.demo",
    "city@yunpin.demo",
    "admin@yunpin.demo",
]

ALLOWED_LATIN = {
    # brands, formats and units a Chinese page writes in Latin letters
    "yunpin", "pdf", "docx", "word", "csv", "markdown", "html", "api", "id", "json", "ics",
    "mb", "kb", "cad", "excel", "wms", "iso", "email", "e-mail", "http", "https", "www",
    "ai", "app", "bearer", "token", "url", "jpg", "jpeg", "png", "ok", "logo", "openapi", "v1",
    "zip", "webhook", "webhooks", "hmac", "post", "get",
    "obs", "gstreamer", "whip",  # the broadcast studio's streaming software and protocol
}  # fmt: skip

IDENTIFIER = re.compile(r"^(?:[a-z][a-z0-9_]*|[A-Z]|[\d\-]+)$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
OCCUPATION_CODE = re.compile(r"\b\d-\d\d-\d\d-\d\d\b")
REGION_CODE = re.compile(r"(?<![\d.,¥])\d{6}(?:\d{3}){0,2}(?![\d.,])")
ZONE_IDS = re.compile(r"\b(?:Asia|Europe|America)/[A-Z][a-z_]+\b")


class Page(HTMLParser):
    """The text a person sees (and hears) on a page, and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._open: list[bool] = []  # per open element: does it skip its text?

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Scripts, and text marked as another language (the language switch says "English"
        # in English on a Chinese page: lang="en"), are not the page's text.
        # Code (header names, event names) and text marked translate="no" (a browser's
        # user-agent string) are neither language.
        skips = (
            tag in ("script", "style", "template", "code", "pre", "kbd", "samp")
            or (tag != "html" and "lang" in attrs)
            or attrs.get("translate") == "no"
        )
        if tag not in self.VOID:
            self._open.append(skips)
            self._skip += skips
        if skips:
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._skip -= self._open.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data)


def user_data() -> tuple[str, set[str]]:
    """Every string stored in the database, joined (runs are looked up in it), and the set
    of region codes."""
    pieces: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            if not IDENTIFIER.match(value):  # stored keys and enum values are not words
                pieces.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    for table in db.metadata.sorted_tables:
        if table.name == "regions":  # place names are shown in the page's language
            continue
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, (sa.String, sa.Text, sa.JSON))
            and not isinstance(c.type, sa.Enum)
            and c.name != "password_hash"
        ]
        if columns:
            for row in db.session.execute(sa.select(*columns)):
                collect(list(row))
    codes = set(db.session.scalars(sa.text("SELECT code FROM regions")))
    return "\n".join(pieces), codes


# An address is data whatever words it is made of ("seeker7@yunpin.demo" is not the word
# "seeker"): left out of both the page's words and the data's.
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")


@functools.cache
def data_words(data: str) -> frozenset[str]:
    return frozenset(LATIN_WORD.findall(ADDRESS.sub(" ", data)))


def problems(text: str, locale: str, data: str, region_codes: set[str]) -> list[str]:
    found = []
    if locale == "zh":
        for word in LATIN_WORD.findall(ADDRESS.sub(" ", text)):
            # a whole word of the data: "seeker" in seeker7@yunpin.demo is not the role's name
            if word.lower() not in ALLOWED_LATIN and word not in data_words(data):
                found.append(f"Latin in zh: {word!r}")
    else:
        for run in CJK.findall(text):
            if run not in data:
                found.append(f"Chinese in en: {run!r}")
    found += [f"raw value: {v!r}" for v in SNAKE.findall(text) if v not in data]
    found += [f"occupation code: {c}" for c in OCCUPATION_CODE.findall(text)]
    found += [f"region code: {c}" for c in REGION_CODE.findall(text) if c in region_codes]
    found += [f"time zone id: {z}" for z in ZONE_IDS.findall(text)]
    return found


def shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def crawl(client, locale: str, data: str, region_codes: set[str]) -> tuple[int, dict]:
    """Visit what the signed-in role can reach from the home page: how many pages, and the
    problems per URL."""
    seen_shapes: dict[str, int] = defaultdict(int)
    queue, visited, report = ["/"], set(), {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in visited or seen_shapes[shape(path)] >= PER_PATTERN:
            continue
        visited.add(url)
        seen_shapes[shape(path)] += 1
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = Page()
        page.feed(response.get_data(as_text=True))
        text = " ".join(" ".join(page.text).split())
        found = problems(text, locale, data, region_codes)
        if found:
            report[url] = sorted(set(found))
        for href in page.links:
            target = urljoin("http://localhost" + url, href)
            parts = urlsplit(target)
            if (
                parts.netloc not in ("localhost", "yunpin.test")
                or parts.fragment
                and not parts.path
            ):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
                continue
            if link not in visited:
                queue.append(link)
    return len(visited), report


@pytest.mark.parametrize("database_uri", ["sqlite"], indirect=True)
def test_every_page_speaks_one_language_and_shows_no_codes(app, client):
    from flask import request_started
    from flask_babel import refresh

    from app.demo import PASSWORD, load

    # The test's app context outlives each request, and flask-babel keeps the locale it chose
    # in that context: forget it at each request, as a fresh context in production does.
    request_started.connect(lambda _sender, **_extra: refresh(), app, weak=False)
    load()
    db.session.commit()
    data, region_codes = user_data()
    report, pages = {}, 0
    for email in ROLES:
        for locale in ("zh", "en"):
            if email:
                assert login(client, email, PASSWORD).status_code == 302
            # Visitors' pages carry no token (and need none to switch); accounts' do.
            post_form(
                client,
                "/language",
                {"lang": locale, "next": "/"},
                token_from="/" if email else "/auth/login",
            )
            visited, found_on = crawl(client, locale, data, region_codes)
            pages += visited
            for url, found in found_on.items():
                report[f"{email or 'anonymous'} {locale} {url}"] = found
            if email:
                post_form(client, "/auth/logout", {}, token_from="/")
    assert pages > 300  # every role reached its pages in both languages
    assert not report, "\n".join(f"{page}: {', '.join(found)}" for page, found in report.items())


def test_the_checks_catch_what_the_issue_saw():
    data, codes = "李雷\n江岸区", {"420102"}
    assert problems("已申领 ¥5,000：claimed", "zh", data, codes) == ["Latin in zh: 'claimed'"]
    assert problems("角色 seeker", "zh", "seeker7@yunpin.demo", codes) == ["Latin in zh: 'seeker'"]
    assert problems("未检测到人脸 / No face was detected", "zh", data, codes)
    assert problems("Region 420102 · 李雷", "en", data, codes) == ["region code: 420102"]
    assert problems("Occupation 2-02-10-03", "en", data, codes) == ["occupation code: 2-02-10-03"]
    assert problems("10:00 (Asia/Shanghai)", "en", data, codes) == ["time zone id: Asia/Shanghai"]
    assert problems("Type: full_time", "en", data, codes) == ["raw value: 'full_time'"]
    assert problems("Interview with 李雷 in 江岸区", "en", data, codes) == []
    assert problems("Interview in 海淀区", "en", data, codes) == ["Chinese in en: '海淀区'"]
    assert problems("面试时间 ¥5,000 北京时间", "en", data, codes) == [
        "Chinese in en: '面试时间'",
        "Chinese in en: '北京时间'",
    ]
