"""Template helpers: money, masked contacts, sanitized Markdown, the language switch, and the
names of places and occupations in the reader's language."""

from __future__ import annotations

import functools
import html
import re
import time

import nh3
from flask import Flask, current_app, g
from flask_babel import get_locale, get_translations, pgettext
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.occupations.english import english_name as occupation_english_name
from app.regions.english import english_full_name, english_name

# A line break the author typed is one on the page (breaks): companies and employers write
# descriptions line by line, not as Markdown paragraphs.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    "table"
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str) -> Markup:
    """Markdown to HTML that is safe to show: raw HTML is not parsed and nh3 cleans the rest.
    Kept per process: a job page renders its description twice (page and JSON-LD) on every
    view, and parsing plus cleaning cost more than the rest of the page's text."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        # The page has its own h1 and h2: an author's "# …" and "## …" become h3, not text.
        if token.type in ("heading_open", "heading_close") and token.tag in ("h1", "h2"):
            token.tag = "h3"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its markup (for search snippets and previews)."""
    text = nh3.clean(_markdown.render(markdown or ""), tags=set())
    return " ".join(html.unescape(text).split())


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_contacts(text: str | None) -> str:
    """TEXT with the mobile numbers and addresses typed into it masked as the contact fields
    are: a summary must not give away what the masked fields keep back."""
    if not text:
        return ""
    text = MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return EMAIL.sub(lambda m: mask_email(m.group()), text)


def money(amount: int | float | None) -> str:
    if amount is None:
        return ""
    # Chinese and English group digits alike (¥12,000); Babel's formatter cost 0.2 ms a call.
    return f"¥{amount:,.0f}"


def translations():
    """The reader's message catalogue, looked up once per request and language.

    Flask-Babel resolves the request context, the locale and the catalogue on every call
    (about ten context-local look-ups): with ~40 strings a page that was a tenth of a page's
    CPU. The catalogue is kept on Babel's own per-request namespace beside the locale it is
    for, so ``force_locale`` (mail in the recipient's language) still gets its own."""
    from flask_babel import _get_current_context

    ctx = _get_current_context()
    if ctx is None:
        return get_translations()
    locale = getattr(ctx, "babel_locale", None)
    kept = getattr(ctx, "kept_translations", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    ctx.kept_translations = (getattr(ctx, "babel_locale", None), found)
    return found


PLACE_NAMES_TTL = 600.0
"""Seconds a web process keeps a region's full name. Division names change only when the
tree is loaded again; a page shows several places (every job card), each a query before."""

PLACE_NAMES_KEPT = 20_000
"""Names one process keeps at most (a few MB); past it the cache starts again empty."""


def place(code) -> str:
    """A region's full name in the reader's language ("湖北省 武汉市 江岸区 支农社区", "Zhinong
    Community, Jiang'an District, Wuhan, Hubei Province") from its code or Region row."""
    code = getattr(code, "code", code)
    if not code:
        return ""
    return place_names([str(code)]).get(str(code), str(code))


def place_names(codes) -> dict[str, str]:
    """CODE → full name in the reader's language for the CODES the tree has."""
    from app.regions.queries import full_names

    names = _kept_names("full", codes, full_names)
    if chinese_page():
        return names
    return {code: english_full_name(name) for code, name in names.items()}


def region_names(codes) -> dict[str, str]:
    """CODE → the region's own name in the reader's language ("江岸区", "Jiang'an District")
    for the CODES the tree has."""
    return {code: place_name(name) for code, name in tree_names(codes).items()}


def tree_names(codes) -> dict[str, str]:
    """CODE → the region's own name as the tree has it, in Chinese whatever the page's
    language (for addresses given to machines: schema.org, feeds)."""
    from app.regions.queries import names_by_code

    return _kept_names("own", codes, names_by_code)


def place_name(name: str) -> str:
    """One division's name (as the tree has it, in Chinese) in the reader's language: every
    place on a page is named through here or the functions above."""
    return name if chinese_page() else english_name(name)


def occupation_name(code: str, name: str) -> str:
    """A CSCO occupation's name in the reader's language: English where it has an English
    name (app/occupations/english.py), else its Chinese name, the only one published."""
    if chinese_page():
        return name
    return occupation_english_name(code, name) or name


def chinese_page() -> bool:
    """Is the page being written in Chinese? (Any other language gets romanised places.)
    Asked once a place: read with one look-up from where flask-babel keeps the locale it
    chose (``g._flask_babel``); get_locale's own look-ups doubled the cost of a kept name."""
    locale = getattr(g.get("_flask_babel"), "babel_locale", None) or get_locale()
    return locale is None or locale.language == "zh"


def join_list(items) -> str:
    """Items as the reader's language lists them: "营业执照和法定代表人身份证件",
    "A、B和C"; "business licence and ID document", "A, B, and C" (CLDR, Babel's
    `format_list`). Semicolons and ASCII commas between Chinese words read as a foreign text."""
    from babel.lists import format_list

    return format_list([str(item) for item in items], locale=get_locale() or "zh")


def join_sentences(sentences) -> str:
    """Whole sentences one after the other: a space between English ones, none between
    Chinese ones (each ends with its own 。)."""
    return ("" if chinese_page() else " ").join(str(sentence) for sentence in sentences)


def _kept_names(kind: str, codes, read) -> dict[str, str]:
    """Names of CODES read once per process with READ(session, codes) and kept (as is the
    absence of a code the tree lacks, so it is not looked up on every page) for
    PLACE_NAMES_TTL."""
    from app.extensions import db

    cache = current_app.extensions.setdefault(f"region_names:{kind}", {})
    now = time.monotonic()
    names, missing = {}, set()
    for code in codes:
        kept = cache.get(code)
        if kept is not None and kept[1] > now:
            names[code] = kept[0]
        elif code:
            missing.add(code)
    if missing:
        found = read(db.session, missing)
        if len(cache) + len(missing) > PLACE_NAMES_KEPT:
            cache.clear()
        cache.update((code, (found.get(code), now + PLACE_NAMES_TTL)) for code in missing)
        names.update(found)
    return {code: name for code, name in names.items() if name is not None}


ZONE_NAMES = {
    "Asia/Shanghai": _l("Beijing time"),
    "Asia/Hong_Kong": _l("Hong Kong time"),
    "Asia/Taipei": _l("Taipei time"),
    "Asia/Tokyo": _l("Tokyo time"),
    "Asia/Singapore": _l("Singapore time"),
    "Europe/London": _l("London time"),
    "Europe/Berlin": _l("Berlin time"),
    "America/New_York": _l("New York time"),
    "America/Los_Angeles": _l("Los Angeles time"),
    "UTC": _l("Coordinated Universal Time"),
}


def zone_name(zone: str | None = None) -> str:
    """A time zone in words in the reader's language ("北京时间", "Beijing time"), never its
    identifier; the viewer's own zone when ZONE is None."""
    from babel.dates import get_timezone_location
    from flask_babel import get_timezone

    zone = zone or get_timezone().zone
    if zone in ZONE_NAMES:
        return str(ZONE_NAMES[zone])
    try:
        return get_timezone_location(zone, locale=str(get_locale() or "zh"))
    except LookupError:
        return zone


def viewer_zone() -> str:
    """The viewer's time zone identifier, for scripts that write times as `local_time` does."""
    from flask_babel import get_timezone

    return get_timezone().zone


def local_time(value) -> str:
    """A stored UTC time in the viewer's zone (Beijing time unless they chose another), with
    the zone said in words: "2026-12-01 20:43 北京时间"."""
    from flask_babel import format_datetime

    if value is None:
        return ""
    return f"{format_datetime(value, 'y-MM-dd HH:mm')} {zone_name()}"


def datetime_with_zone(value, format=None) -> str:
    """flask-babel's ``datetimeformat`` (the viewer's zone) with that zone said in words, so
    no time on a page leaves its reader guessing: "2026-12-01 20:43 北京时间"."""
    from flask_babel import format_datetime

    if value is None:
        return ""
    if format in (None, "short"):
        # Babel's short form differs by language ("2026/12/2 02:55", "12/2/26, 2:55 AM"):
        # every page writes times one way, as local_time does.
        format = "y-MM-dd HH:mm"
    return f"{format_datetime(value, format)} {zone_name()}"


def current_locale() -> str:
    """The reader's language code ("zh" or "en"), for text rendered outside a template."""
    return str(get_locale() or "zh")


def init_app(app: Flask) -> None:
    from app.labels import JINJA_GLOBALS, list_comma

    app.jinja_env.globals.update(JINJA_GLOBALS, zone_name=zone_name, viewer_zone=viewer_zone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        markdown=render_markdown,
        mask_phone=mask_phone,
        mask_email=mask_email,
        mask_contacts=mask_contacts,
        money=money,
        place=place,
        place_name=place_name,
        local_time=local_time,
        datetimeformat=datetime_with_zone,
        join_list=join_list,
        join_sentences=join_sentences,
    )

    @app.context_processor
    def inject_globals():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": current_locale(),
            # "Phone: 138…" in English, "联系电话：138…" in Chinese (a full-width colon)
            "colon": pgettext("between a label and its value", ": "),
            "comma": list_comma(),
        }
