"""Company websites as people type them ("example.com") and as the profile links to them
("https://example.com"): the form and the API read them the same way."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import ngettext

MAX_LENGTH = 200
"""Characters a website may have as stored, its scheme too (the column's width)."""

WEBSITE = re.compile(r"^https?://[^\s\x00]+$")
"""A company website is an http(s) address: anything else (``javascript:``, ``data:``) would
run in the reader's browser when the profile links to it."""

HOST = re.compile(
    r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)$|^\d{1,3}(?:\.\d{1,3}){3}$"
)
"""A host name with a dot and a top-level domain of letters (any script: 例子.中国), or an
IPv4 address."""


class Refused(ValueError):
    """What was typed is no website the profile can link to; its text says why, in the
    reader's language."""


def read(typed: str) -> str:
    """The address TYPED stands for, as the profile stores it; Refused when it is none
    (`address`) or too long once its scheme is added ("example.com" of 195 characters)."""
    found = address(typed)
    if found is None:
        raise Refused(_("Enter a website address, such as example.com."))
    if len(found) > MAX_LENGTH:
        raise Refused(
            ngettext(
                "Enter a website address of at most %(num)d character, https:// included.",
                "Enter a website address of at most %(num)d characters, https:// included.",
                MAX_LENGTH,
            )
        )
    return found


def address(typed: str) -> str | None:
    """The address TYPED stands for, with its scheme ("example.com" → "https://example.com"),
    or None when it is no http(s) address of a named host: a broken link, or one that would
    run in the reader's browser (``javascript:``)."""
    value = typed.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value  # "javascript:…" becomes a host with a broken port
    return value if WEBSITE.match(value) and HOST.match(host_of(value)) else None


def host_of(url: str) -> str:
    """URL's host name; "" when it has none or its port is not a number."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on "https://javascript:alert(1)")
    except ValueError:
        return ""
    return parts.hostname or ""
