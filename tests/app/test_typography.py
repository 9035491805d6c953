"""Punctuation as each language writes it: asides, lists and date ranges."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

TEMPLATE = (
    "{{ _('Filters') }}{{ aside(2) }}|{{ ['焊接', '叉车']|join(comma) }}|"
    "{{ date_range(start, end) }}|{{ date_range(end, start) }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh", "筛选（2）|焊接、叉车|2026年11月22日\u2009–\u200912月12日"),
        ("en", "Filters (2)|焊接, 叉车|Nov 22\u2009–\u2009Dec 12, 2026"),
    ],
)
def test_asides_lists_and_date_ranges(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        shown = render_template_string(
            TEMPLATE, start=date(2026, 11, 22), end=date(2026, 12, 12)
        ).split("|")
    assert "|".join(shown[:3]) == expected
    assert shown[3] == shown[2]  # dates given the wrong way round still read forwards
