"""Form fields shared by several areas."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    StringField,
    ValidationError,
)

from app.extensions import db
from app.models import Region

TAG_SPLIT = re.compile(r"[,，、;；\n]+")


class TagListField(StringField):
    """Comma-separated tags (Chinese or ASCII commas), stored as a de-duplicated list."""

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        if valuelist:
            for tag in TAG_SPLIT.split(valuelist[0]):
                tag = tag.strip()[:40]
                if tag and tag.lower() not in {t.lower() for t in self.data}:
                    self.data.append(tag)
        if len(self.data) > 30:
            raise ValueError(_l("Use at most 30 tags."))


def region_exists(form, field) -> None:
    if field.data and db.session.get(Region, field.data) is None:
        raise ValidationError(_l("Choose a region from the list."))


def dates_ordered(form, field) -> None:
    if form.starts_on.data and field.data and field.data < form.starts_on.data:
        raise ValidationError(_l("The end date must not be before the start date."))


REGION_PICKER = {"data-region-picker": ""}
"""render_kw for a region code input: the region picker (static/js) enhances it."""
