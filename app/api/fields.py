"""The marshmallow fields every API schema is built from.

Each field checks its value and states the same limits in the OpenAPI document (through
`metadata`), so the document cannot promise what the validator does not enforce. Every
integer fits a PostgreSQL `integer`, every string has a length, and no string may hold NUL
or a lone surrogate (neither database can store them). Messages are in the caller's
language: they are looked up when the error happens, inside the request (messages built
with a field, at import, are lazy).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import ValidationError, fields, validate

from app.extensions import db
from app.models import Region
from app.routing import INT_MAX

NO_NUL = "^[^\\u0000]*$"

REGION = r"^\d{2,12}$"
"""A statistical division code, 2 (province) to 12 (village) digits."""

MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field may not be null."),
}


class Translated:
    """Marshmallow's error messages, in the caller's language when the error is raised."""

    def make_error(self, key: str, **kwargs) -> ValidationError:
        return ValidationError(str(self.error_messages[key]).format(**kwargs))


def _messages(**extra) -> dict:
    return {**MESSAGES, **extra}


class Text(Translated, fields.String):
    """A string of at most MAX_LENGTH characters matching PATTERN, loaded stripped (unless
    STRIP is false: a password is what was typed); MIN_LENGTH counts after stripping, so
    blanks do not fill a required field."""

    def __init__(
        self,
        max_length: int,
        min_length: int = 0,
        pattern: str | None = None,
        strip: bool = True,
        **kwargs,
    ):
        schema = {"maxLength": max_length, "pattern": pattern or NO_NUL}
        if min_length:
            schema["minLength"] = min_length
        kwargs["metadata"] = {**schema, **kwargs.get("metadata", {})}
        super().__init__(
            error_messages=_messages(
                invalid=_l("Expected a string."), invalid_utf8=_l("Text must be valid Unicode.")
            ),
            **kwargs,
        )
        self.max_length, self.min_length, self.strip = max_length, min_length, strip
        self.pattern = re.compile(pattern) if pattern else None

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if "\x00" in value:
            raise ValidationError(_("Text may not contain NUL characters."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("invalid_utf8") from None
        # Length and pattern apply to the text as sent, as the document says.
        if len(value) > self.max_length:
            raise ValidationError(
                ngettext(
                    "At most %(num)d character.", "At most %(num)d characters.", self.max_length
                )
            )
        if self.pattern and not self.pattern.search(value):
            raise ValidationError(_("Not in the expected format."))
        if self.strip:
            value = value.strip()
        if len(value) < self.min_length:
            raise ValidationError(
                _("This field is required.")
                if self.min_length == 1
                else ngettext(
                    "At least %(num)d character.", "At least %(num)d characters.", self.min_length
                )
            )
        return value


class RegionCode(Text):
    """A region code that exists (regions are a fixed table, so this is input validation)."""

    def __init__(self, **kwargs):
        super().__init__(12, min_length=2, pattern=REGION, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if db.session.get(Region, code) is None:
            raise ValidationError(_("Choose a region from the list."))
        return code


class OccupationCode(Text):
    """A CSCO 2022 occupation: its code or its name ("" for none); loads as the code."""

    def __init__(self, **kwargs):
        super().__init__(60, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        from app.occupations.service import resolve

        text = super()._deserialize(value, attr, data, **kwargs).strip()
        code = resolve(text) if text else ""
        if code is None:
            raise ValidationError(_("No such occupation. Choose one from the list."))
        return code


def between(minimum: float, maximum: float) -> validate.Range:
    """The bounds check of numbers; apispec documents them as minimum and maximum."""
    return validate.Range(
        minimum,
        maximum,
        error=_l("Must be between %(low)s and %(high)s.", low=minimum, high=maximum),
    )


class Whole(Translated, fields.Integer):
    """An integer in [MINIMUM, MAXIMUM]. JSON bodies must send a number; query strings
    (STRICT false) send digits."""

    def __init__(self, minimum: int = 0, maximum: int = INT_MAX, strict: bool = True, **kwargs):
        super().__init__(
            strict=strict,
            validate=between(minimum, maximum),
            error_messages=_messages(
                invalid=_l("Expected a whole number."), too_large=_l("Expected a whole number.")
            ),
            **kwargs,
        )


class Score(Translated, fields.Float):
    """A finite number in [MINIMUM, MAXIMUM]."""

    def __init__(self, minimum: float, maximum: float, **kwargs):
        super().__init__(
            validate=between(minimum, maximum),
            error_messages=_messages(
                invalid=_l("Expected a number."), special=_l("Expected a number.")
            ),
            **kwargs,
        )


class Flag(Translated, fields.Boolean):
    """JSON true or false, nothing that merely looks like it (1, "yes")."""

    def __init__(self, **kwargs):
        super().__init__(error_messages=_messages(invalid=_l("Expected true or false.")), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QueryFlag(Flag):
    """A query-string switch: exactly `true` or `false`."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if value not in ("true", "false"):
            raise self.make_error("invalid")
        return value == "true"


class Choice(Translated, fields.Field):
    """One of VALUES (an enum's members or plain strings); loads as the member itself."""

    def __init__(self, values: type[enum.StrEnum] | Iterable[str], **kwargs):
        self.values = {str(v): v for v in values}
        kwargs["metadata"] = {
            "type": "string",
            "enum": list(self.values),
            **kwargs.get("metadata", {}),
        }
        super().__init__(
            error_messages=_messages(
                invalid=_l("Choose one of: %(values)s.", values=", ".join(self.values) or '""')
            ),
            **kwargs,
        )

    def _serialize(self, value, attr, obj, **kwargs) -> str | None:
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value not in self.values:
            raise self.make_error("invalid")
        return self.values[value]


class Day(Translated, fields.Date):
    """A calendar date written YYYY-MM-DD."""

    def __init__(self, **kwargs):
        super().__init__(
            error_messages=_messages(
                invalid=_l("Use the form 2020-03-01."), format=_l("Use the form 2020-03-01.")
            ),
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Not a valid date.")) from None


class Stamp(fields.DateTime):
    """A moment, output only. Stored times are naive UTC; the API says so (RFC 3339)."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, **kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs) -> str | None:
        return value.isoformat() + "Z" if value else None


class Listing(Translated, fields.List):
    """A JSON array of at most MAX_ITEMS values of ITEM (and at least MIN_ITEMS)."""

    def __init__(self, item: fields.Field, max_items: int, min_items: int = 0, **kwargs):
        schema = {"maxItems": max_items}
        if min_items:
            schema["minItems"] = min_items
        kwargs["metadata"] = {**schema, **kwargs.get("metadata", {})}
        super().__init__(item, error_messages=_messages(invalid=_l("Expected a list.")), **kwargs)
        self.max_items, self.min_items = max_items, min_items

    def _deserialize(self, value, attr, data, **kwargs) -> list:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        if len(value) > self.max_items:
            raise ValidationError(
                ngettext("At most %(num)d item.", "At most %(num)d items.", self.max_items)
            )
        if len(value) < self.min_items:
            raise ValidationError(
                ngettext("At least %(num)d item.", "At least %(num)d items.", self.min_items)
            )
        return super()._deserialize(value, attr, data, **kwargs)


def ordered(low: int | None, high: int | None, field: str) -> None:
    """Refuse a range whose upper bound (FIELD) is below its lower bound."""
    if low is not None and high is not None and high < low:
        raise ValidationError(
            _("The upper bound must not be below the lower bound."), field_name=field
        )
