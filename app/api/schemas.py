"""The API's data shapes, written once: each validates input and describes itself in OpenAPI.

A handful of small field types instead of a framework: `load()` turns untrusted JSON (or
query strings) into clean Python values or collects per-field messages, and `schema()`
returns the JSON Schema the OpenAPI document publishes. Because both come from the same
object, the document cannot promise something the validator does not enforce.

Every integer has bounds that fit a PostgreSQL integer column, every string a length, and
strings may not contain NUL or lone surrogates (neither database can store them).
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

INT_MAX = 2**31 - 1
"""PostgreSQL `integer`; larger ids cannot exist and larger values cannot be stored."""

NO_NUL = "^[^\\u0000]*$"

Errors = dict[str, list[str]]


class Invalid(Exception):
    """Input that does not fit its schema; ERRORS maps field paths to messages."""

    def __init__(self, errors: Errors):
        super().__init__("invalid input")
        self.errors = errors


MISSING = object()


class Field:
    """One value. `load(value, path, errors)` returns the clean value (or None on error)."""

    def __init__(self, *, nullable: bool = False, description: str = "", example: Any = MISSING):
        self.nullable = nullable
        self.description = description
        self.example = example

    def load(self, value: Any, path: str, errors: Errors) -> Any:
        if value is None:
            if not self.nullable:
                errors.setdefault(path, []).append(str(_l("This field may not be null.")))
            return None
        return self.convert(value, path, errors)

    def from_query(self, raw: str, path: str, errors: Errors) -> Any:
        return self.load(raw, path, errors)

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        raise NotImplementedError

    def schema(self) -> dict:
        out = self.json_schema()
        if self.nullable:
            out["nullable"] = True
        if self.description:
            out["description"] = self.description
        if self.example is not MISSING:
            out["example"] = self.example
        return out

    def json_schema(self) -> dict:
        raise NotImplementedError

    @staticmethod
    def fail(errors: Errors, path: str, message) -> None:
        errors.setdefault(path, []).append(str(message))


class Str(Field):
    def __init__(
        self,
        max_length: int,
        min_length: int = 0,
        pattern: str | None = None,
        format: str | None = None,
        strip: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.max_length, self.min_length = max_length, min_length
        self.pattern = re.compile(pattern) if pattern else None
        self.format, self.strip = format, strip

    def convert(self, value, path, errors):
        if not isinstance(value, str):
            return self.fail(errors, path, _l("Expected a string."))
        if "\x00" in value:
            return self.fail(errors, path, _l("Text may not contain NUL characters."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return self.fail(errors, path, _l("Text must be valid Unicode."))
        if len(value) > self.max_length:
            return self.fail(errors, path, _l("At most %(n)s characters.", n=self.max_length))
        if self.pattern and not self.pattern.search(value):
            return self.fail(errors, path, _l("Not in the expected format."))
        if self.strip:
            value = value.strip()
        if len(value) < self.min_length:
            return self.fail(
                errors,
                path,
                _l("This field is required.")
                if self.min_length == 1
                else _l("At least %(n)s characters.", n=self.min_length),
            )
        return value

    def json_schema(self):
        out: dict = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            out["minLength"] = self.min_length
        out["pattern"] = self.pattern.pattern if self.pattern else NO_NUL
        if self.format:
            out["format"] = self.format
        return out


class Int(Field):
    def __init__(self, minimum: int = 0, maximum: int = INT_MAX, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def from_query(self, raw, path, errors):
        if not re.fullmatch(r"-?\d{1,12}", raw.strip()):
            return self.fail(errors, path, _l("Expected a whole number."))
        return self.load(int(raw), path, errors)

    def convert(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int):
            return self.fail(errors, path, _l("Expected a whole number."))
        if not self.minimum <= value <= self.maximum:
            return self.fail(
                errors,
                path,
                _l("Must be between %(low)s and %(high)s.", low=self.minimum, high=self.maximum),
            )
        return value

    def json_schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


class Num(Field):
    """A finite number in [MINIMUM, MAXIMUM] (query strings only need this today)."""

    def __init__(self, minimum: float, maximum: float, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def from_query(self, raw, path, errors):
        if not re.fullmatch(r"-?\d{1,6}(\.\d{1,6})?", raw.strip()):
            return self.fail(errors, path, _l("Expected a number."))
        return self.load(float(raw), path, errors)

    def convert(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.fail(errors, path, _l("Expected a number."))
        if not self.minimum <= value <= self.maximum:  # also false for NaN
            return self.fail(
                errors,
                path,
                _l("Must be between %(low)s and %(high)s.", low=self.minimum, high=self.maximum),
            )
        return float(value)

    def json_schema(self):
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}


class Bool(Field):
    def from_query(self, raw, path, errors):
        if raw not in ("true", "false"):
            return self.fail(errors, path, _l("Expected true or false."))
        return raw == "true"

    def convert(self, value, path, errors):
        if not isinstance(value, bool):
            return self.fail(errors, path, _l("Expected true or false."))
        return value

    def json_schema(self):
        return {"type": "boolean"}


class Choice(Field):
    """One of the values of an enum (or a fixed list of strings)."""

    def __init__(self, values: type[enum.StrEnum] | list[str], **kwargs):
        super().__init__(**kwargs)
        self.values = [v.value for v in values] if isinstance(values, type) else list(values)

    def convert(self, value, path, errors):
        if not isinstance(value, str) or value not in self.values:
            return self.fail(
                errors,
                path,
                _l("Choose one of: %(values)s.", values=", ".join(self.values) or '""'),
            )
        return value

    def json_schema(self):
        return {"type": "string", "enum": list(self.values)}


class Day(Field):
    """A calendar date as YYYY-MM-DD."""

    def convert(self, value, path, errors):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return self.fail(errors, path, _l("Use the form 2020-03-01."))
        try:
            return date.fromisoformat(value)
        except ValueError:
            return self.fail(errors, path, _l("Not a valid date."))

    def json_schema(self):
        return {"type": "string", "format": "date"}


class Stamp(Field):
    """A UTC timestamp (output only)."""

    def json_schema(self):
        return {"type": "string", "format": "date-time"}


class List(Field):
    def __init__(self, item: Field, max_items: int, min_items: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.item, self.max_items, self.min_items = item, max_items, min_items

    def convert(self, value, path, errors):
        if not isinstance(value, list):
            return self.fail(errors, path, _l("Expected a list."))
        if len(value) > self.max_items:
            return self.fail(errors, path, _l("At most %(n)s items.", n=self.max_items))
        if len(value) < self.min_items:
            return self.fail(errors, path, _l("At least %(n)s items.", n=self.min_items))
        return [self.item.load(v, f"{path}[{i}]", errors) for i, v in enumerate(value)]

    def json_schema(self):
        out = {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


class Obj(Field):
    """An object with known properties. Named objects become OpenAPI components."""

    registry: dict[str, Obj] = {}

    def __init__(
        self,
        name: str | None,
        fields: dict[str, Field],
        required: tuple[str, ...] = (),
        open: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.name, self.fields, self.required, self.open = name, fields, tuple(required), open
        if name:
            Obj.registry[name] = self

    def convert(self, value, path, errors):
        if not isinstance(value, dict):
            return self.fail(errors, path or "$", _l("Expected a JSON object."))
        prefix = f"{path}." if path else ""
        out = {}
        for key in value:
            if key not in self.fields and not self.open:
                self.fail(errors, prefix + str(key)[:60], _l("Unknown field."))
        for key, field in self.fields.items():
            if key in value:
                out[key] = field.load(value[key], prefix + key, errors)
            elif key in self.required:
                self.fail(errors, prefix + key, _l("This field is required."))
        return out

    def validate(self, value: Any) -> dict:
        """The clean object, or Invalid with every field's messages."""
        errors: Errors = {}
        out = self.load(value, "", errors)
        if errors:
            raise Invalid(errors)
        return out

    def from_args(self, args) -> dict:
        """Query-string parameters (all optional) converted by each field's rules."""
        errors: Errors = {}
        out = {}
        # A misspelt filter silently ignored would return the wrong results: refuse it.
        for key in args:
            if key not in self.fields:
                self.fail(errors, str(key)[:60], _l("Unknown parameter."))
        for key, field in self.fields.items():
            raw = args.get(key)
            if raw is not None:
                out[key] = field.from_query(raw, key, errors)
        if errors:
            raise Invalid(errors)
        return out

    def ref(self) -> dict:
        return {"$ref": f"#/components/schemas/{self.name}"} if self.name else self.schema()

    def json_schema(self):
        out: dict = {
            "type": "object",
            "properties": {key: _ref_or_schema(field) for key, field in self.fields.items()},
        }
        if self.required:
            out["required"] = list(self.required)
        if not self.open:
            out["additionalProperties"] = False
        return out


def _ref_or_schema(field: Field) -> dict:
    if isinstance(field, Obj) and field.name and not field.nullable:
        return field.ref()
    if isinstance(field, List) and isinstance(field.item, Obj) and field.item.name:
        out = {"type": "array", "items": field.item.ref(), "maxItems": field.max_items}
        if field.description:
            out["description"] = field.description
        return out
    return field.schema()


class Open(Field):
    """Any JSON value (output only), e.g. notification parameters."""

    def json_schema(self):
        return {}


def page_of(item: Obj) -> Obj:
    """The paginated list of ITEM: `items` plus an opaque `next_cursor` (null at the end)."""
    return Obj(
        f"{item.name}Page",
        {
            "items": List(item, max_items=100),
            "next_cursor": Str(
                500,
                nullable=True,
                description="Pass as ?cursor= for the next page; null on the last.",
            ),
        },
        required=("items", "next_cursor"),
    )
