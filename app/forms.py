"""Form fields and the sub-form base shared by several areas."""

from __future__ import annotations

import re

from flask import Flask, Request
from flask_babel import lazy_gettext as _l
from flask_wtf import i18n
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from wtforms import (
    Form,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.extensions import db
from app.models import Region
from app.templating import chinese_page, occupation_name, place_names

TAG_SPLIT = re.compile(r"[,，、;；\n]+")

_LINE_BREAK = re.compile(r"\r\n?")


class LineFeedForm(ImmutableMultiDict):
    """Submitted form values with each line break as one LF. Browsers send a text area's
    line breaks as CRLF while its counter (and `maxlength`) counts them as one character, so
    a 19,990-character description with 246 lines arrived as 20,236 and was refused."""

    def __init__(self, mapping=None):
        super().__init__(
            (key, _LINE_BREAK.sub("\n", value) if isinstance(value, str) else value)
            for key, value in iter_multi_items(mapping or ())
        )


class FormRequest(Request):
    """Flask's request, reading form bodies into `LineFeedForm`: every page's form, WTForms
    or `request.form`, checks lengths as the browser counted them (query strings and JSON
    bodies are as sent)."""

    def make_form_data_parser(self):
        parser = super().make_form_data_parser()
        parser.cls = LineFeedForm
        return parser


def init_app(app: Flask) -> None:
    app.request_class = FormRequest


class SubForm(Form):
    """A form inside a page's FlaskForm (FormField, FieldList): no CSRF token of its own, and
    the page's language for the built-in messages, which plain WTForms gives in English."""

    class Meta:
        def get_translations(self, form):
            return i18n.translations


def list_separator() -> str:
    """Between the names a list field shows: 、 in Chinese; "; " in English, whose place names
    hold commas (both are in TAG_SPLIT)."""
    return "、" if chinese_page() else "; "


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
    if field.process_errors:  # a typed name that names no place: its message says so already
        raise StopValidation()
    if field.data and db.session.get(Region, field.data) is None:
        raise ValidationError(_l("Choose a region from the list."))


def dates_ordered(form, field) -> None:
    if form.starts_on.data and field.data and field.data < form.starts_on.data:
        raise ValidationError(_l("The end date must not be before the start date."))


REGION_PICKER = {"data-region-picker": "", "autocomplete": "off"}
"""render_kw of a place field: the region picker (static/js/region-picker.js) enhances it."""


def _shown(codes) -> dict[str, str]:
    """The name a page shows for each of CODES (a field's value before the form was sent) →
    its code: sent back unchanged it names that place, also where the shown name is English
    (romanised, so the tree's Chinese names cannot resolve it)."""
    if isinstance(codes, str):
        codes = [codes]
    return {name: code for code, name in place_names(codes or []).items()}


def _resolve(text: str) -> str | None:
    from app.regions.queries import resolve

    return resolve(db.session, text)


class RegionField(StringField):
    """A place typed by its name ("湖北省武汉市江岸区") or chosen with the picker; ``data`` is
    its division code, and the page shows the full name, never the code. The picker reads
    the code from ``data-region-code``; without JavaScript the person types the name."""

    unknown = _l("No place is called “%(text)s”. Type its full name or choose it from the list.")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {**REGION_PICKER, **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.raw_text = text
        self.data = (_shown(self.object_data).get(text) or _resolve(text)) if text else ""
        if text and self.data is None:
            # Kept as typed (so "required" does not hide this message), shown back as typed.
            self.data = text[:200]
            raise ValueError(self.unknown % {"text": text[:60]})

    def _value(self) -> str:
        if not self.data:
            return ""
        return place_names([self.data]).get(self.data, self.data)

    def __call__(self, **kwargs):
        kwargs.setdefault("data-region-code", self.data or "")
        return super().__call__(**kwargs)


class RegionListField(StringField):
    """Several places (a résumé's wished work places): names separated by commas or 、, or
    chosen with the picker; ``data`` is the list of codes."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {
            **REGION_PICKER,
            "data-region-multiple": "",
            **(kwargs.get("render_kw") or {}),
        }
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        self.raw_text = valuelist[0] if valuelist else ""
        unknown = []
        rest = self.raw_text
        # The places the page showed, sent back as shown: an English name holds commas.
        for name, code in _shown(self.object_data or []).items():
            if name in rest:
                rest = rest.replace(name, "、")
                self.data.append(code)
        for part in TAG_SPLIT.split(rest):
            part = part.strip()
            if not part:
                continue
            code = _resolve(part)
            if code is None:
                unknown.append(part[:60])
            elif code not in self.data:
                self.data.append(code)
        if len(self.data) > 20:
            raise ValueError(_l("Choose at most 20 places."))
        if unknown:
            raise ValueError(RegionField.unknown % {"text": "、".join(unknown)})

    def _value(self) -> str:
        if getattr(self, "raw_text", None) and self.process_errors:
            return self.raw_text
        names = place_names(self.data or [])
        return list_separator().join(names.get(code, code) for code in self.data or [])

    def __call__(self, **kwargs):
        kwargs.setdefault("data-region-code", ",".join(self.data or []))
        return super().__call__(**kwargs)


class IndustriesField(SelectMultipleField):
    """Industry sections (GB/T 4754 letters) chosen by name, as check boxes; ``data`` is the
    list of letters, as stored."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        from app.labels import INDUSTRIES, choices

        kwargs.setdefault("choices", choices(INDUSTRIES))
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        # An empty value is "none chosen" (a form sending sectors=""), not an unknown section.
        super().process_formdata([value for value in valuelist if value.strip()])


class OccupationField(StringField):
    """A CSCO 2022 occupation chosen by name (the picker searches the tree); ``data`` is its
    code, or "" when left empty. The page shows the name, never the code."""

    unknown = _l("No occupation is called “%(text)s”. Choose one from the list.")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {
            "data-occupation-picker": "",
            "autocomplete": "off",
            **(kwargs.get("render_kw") or {}),
        }
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        from app.occupations.service import resolve

        text = valuelist[0].strip() if valuelist else ""
        self.raw_text = text
        self.data = resolve(text) if text else ""
        if text and self.data is None:
            self.data = ""
            raise ValueError(self.unknown % {"text": text[:60]})

    def _value(self) -> str:
        from app.occupations.service import name

        if getattr(self, "raw_text", None) and not self.data:
            return self.raw_text
        return occupation_name(self.data, name(self.data)) if name(self.data) else ""

    def __call__(self, **kwargs):
        kwargs.setdefault("data-occupation-code", self.data or "")
        return super().__call__(**kwargs)


class OccupationListField(StringField):
    """Several occupations (what a candidate looks for) by name, separated by commas or 、;
    ``data`` is the list of CSCO codes."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {
            "data-occupation-picker": "",
            "data-region-multiple": "",
            "autocomplete": "off",
            **(kwargs.get("render_kw") or {}),
        }
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        from app.occupations.service import resolve

        self.data, unknown = [], []
        self.raw_text = valuelist[0] if valuelist else ""
        for part in TAG_SPLIT.split(self.raw_text):
            part = part.strip()
            if part:
                code = resolve(part)
                if code is None:
                    unknown.append(part[:60])
                elif code not in self.data:
                    self.data.append(code)
        if len(self.data) > 10:
            raise ValueError(_l("Choose at most 10 occupations."))
        if unknown:
            raise ValueError(OccupationField.unknown % {"text": "、".join(unknown)})

    def _value(self) -> str:
        from app.occupations.service import name

        if getattr(self, "raw_text", None) and self.process_errors:
            return self.raw_text
        return list_separator().join(
            occupation_name(code, name(code)) or code for code in self.data or []
        )

    def __call__(self, **kwargs):
        kwargs.setdefault("data-occupation-code", ",".join(self.data or []))
        return super().__call__(**kwargs)
