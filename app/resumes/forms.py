"""Forms of the résumé builder, uploads, parsed-draft review, search and invitations.

Education and experience are repeating sections: the page renders the saved entries plus
one blank row, and an "add another" button posts the form back with one more blank row,
so they work without JavaScript (`static/js/resume_builder.js` adds rows in place).
Blank rows are ignored when saving.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from app.extensions import db
from app.forms import (
    OccupationListField,
    RegionField,
    RegionListField,
    SubForm,
    TagListField,
    region_exists,
)
from app.labels import EDUCATION_LEVELS, VISIBILITIES, choices
from app.models import Region

MONTH = Regexp(r"^\d{4}(-(0[1-9]|1[0-2]))?$", message=_l("Use the form 2020 or 2020-09."))
MAX_ENTRIES = 20


class EducationEntry(SubForm):
    school = StringField(_l("School"), validators=[Length(max=120)])
    degree = SelectField(
        _l("Degree"),
        choices=[SelectChoice("", "—"), *choices(EDUCATION_LEVELS)],
        validators=[Optional()],
    )
    major = StringField(_l("Major"), validators=[Length(max=120)])
    start = StringField(
        pgettext("resume dates", "From"),
        validators=[Optional(), MONTH],
        render_kw={"placeholder": "2016-09"},
    )
    end = StringField(
        pgettext("resume dates", "To"),
        validators=[Optional(), MONTH],
        render_kw={"placeholder": "2020-06"},
    )

    def is_blank(self) -> bool:
        return not (self.school.data or "").strip()

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end must not be before the start."))


class ExperienceEntry(SubForm):
    title = StringField(_l("Job title"), validators=[Length(max=120)])
    company = StringField(_l("Company"), validators=[Length(max=120)])
    description = TextAreaField(_l("What you did"), validators=[Length(max=3000)])
    start = StringField(
        pgettext("resume dates", "From"),
        validators=[Optional(), MONTH],
        render_kw={"placeholder": "2020-07"},
    )
    end = StringField(
        pgettext("resume dates", "To"),
        validators=[Optional(), MONTH],
        render_kw={"placeholder": _l("blank = now")},
    )
    years = IntegerField(_l("Years"), validators=[Optional(), NumberRange(min=0, max=60)])

    def is_blank(self) -> bool:
        return not ((self.title.data or "").strip() or (self.company.data or "").strip())

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end must not be before the start."))

    def validate_title(self, field) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Give the job title."))


def regions_exist(form, field) -> None:
    for code in field.data or []:
        if db.session.get(Region, code) is None:
            raise ValidationError(_l("Unknown region code: %(code)s", code=code))


class ResumeForm(FlaskForm):
    headline = StringField(_l("Headline"), validators=[DataRequired(), Length(max=120)])
    summary = TextAreaField(_l("About me"), validators=[Length(max=5000)])
    skills = TagListField(_l("Skills"))
    certificates = TagListField(_l("Certificates"))
    education_level = SelectField(_l("Highest education"), choices=choices(EDUCATION_LEVELS))
    education = FieldList(FormField(EducationEntry), max_entries=MAX_ENTRIES)
    experience = FieldList(FormField(ExperienceEntry), max_entries=MAX_ENTRIES)
    years_experience = IntegerField(
        _l("Years of experience"), default=0, validators=[Optional(), NumberRange(min=0, max=60)]
    )
    expected_salary_min = IntegerField(
        _l("Expected monthly salary from (¥)"),
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
    )
    expected_salary_max = IntegerField(
        _l("to (¥)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )
    expected_occupations = OccupationListField(_l("Occupations I am looking for"))
    expected_region_codes = RegionListField(_l("Where I want to work"), validators=[regions_exist])
    region_code = RegionField(_l("Where I live"), validators=[Optional(), region_exists])
    willing_to_relocate = BooleanField(_l("Willing to relocate"))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    contact_phone = StringField(
        _l("Phone"),
        # Chinese keyboards often type full-width digits (１３８…) and dashes
        filters=[lambda value: unicodedata.normalize("NFKC", value).strip() if value else value],
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Enter a phone number.")),
        ],
    )
    contact_email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    visibility = SelectField(_l("Who can see my résumé"), choices=choices(VISIBILITIES))

    def validate_expected_salary_max(self, field) -> None:
        low = self.expected_salary_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The upper bound must not be below the lower bound."))


class UploadForm(FlaskForm):
    file = FileField(_l("Résumé file (PDF or Word .docx, up to 10 MB)"))


class DraftForm(FlaskForm):
    """Which parsed fields to copy into the résumé."""

    fields = SelectMultipleField(_l("Use these parsed fields"), choices=[])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search; nothing changes

    q = StringField(_l("Keyword"), validators=[Optional(), Length(max=100)])
    skills = TagListField(_l("Skills (all of them)"))


class InviteForm(FlaskForm):
    job_id = SelectField(_l("Job"), coerce=int, choices=[])
    message = TextAreaField(
        _l("Message to the candidate"), validators=[Optional(), Length(max=2000)]
    )
