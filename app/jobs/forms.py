"""Forms of job postings and fraud reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.forms import OccupationField, RegionField, TagListField, region_exists
from app.jobs.reports import REASONS
from app.jobs.service import deadline_passed, salary_too_low
from app.labels import EMPLOYMENT_TYPES, SALARY_PERIODS, choices, options
from app.models import SalaryPeriod

PERIODS = frozenset(period.value for period in SalaryPeriod)


class WholeNumberField(IntegerField):
    """A whole number of yuan or openings: "9000.75" is answered "enter a whole number",
    not with the range a missing number fails too."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = int(text)
            except ValueError:
                raise ValueError(_l("Enter a whole number.")) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


class JobForm(FlaskForm):
    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Job description"), validators=[Optional(), Length(max=20000)])
    category = OccupationField(_l("Occupation"))
    skills = TagListField(_l("Skills"))
    salary_min = WholeNumberField(
        _l("Salary from (¥)"), validators=[InputRequired(), NumberRange(min=0, max=100_000_000)]
    )
    salary_max = WholeNumberField(
        _l("to (¥)"), validators=[InputRequired(), NumberRange(min=0, max=100_000_000)]
    )
    salary_period = SelectField(
        pgettext("salary period", "Paid"), choices=choices(SALARY_PERIODS), default="month"
    )
    employment_type = SelectField(_l("Employment type"), choices=choices(EMPLOYMENT_TYPES))
    headcount = WholeNumberField(
        _l("Openings"), default=1, validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    region_code = RegionField(_l("Region"), validators=[DataRequired(), region_exists])
    remote = BooleanField(_l("Remote work possible"))
    deadline = DateField(_l("Apply by"), validators=[Optional()])
    screening_questions = TextAreaField(
        _l("Screening questions (one per line)"), validators=[Optional(), Length(max=4000)]
    )
    confirm_duplicate = BooleanField(_l("Yes, post it anyway: this is a separate opening"))

    def validate_deadline(self, field) -> None:
        # an unchanged date of a job being edited is the service's to judge (it refuses to
        # publish with it); a date typed now must not be over already
        if field.data != field.object_data and deadline_passed(field.data):
            raise ValidationError(_l("This date is over. Choose today or a later day."))

    def validate_salary_min(self, field) -> None:
        period = self.salary_period.data
        too_low = period in PERIODS and salary_too_low(field.data, period)
        if too_low:
            raise ValidationError(too_low)

    def validate_salary_max(self, field) -> None:
        low = self.salary_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The upper bound must not be below the lower bound."))

    def questions(self) -> list[str]:
        lines = (line.strip()[:300] for line in (self.screening_questions.data or "").splitlines())
        return [line for line in lines if line][:20]


class ReportForm(FlaskForm):
    reason = SelectField(
        _l("What is wrong?"), choices=options(REASONS.items()), validators=[DataRequired()]
    )
    details = TextAreaField(_l("Details (optional)"), validators=[Length(max=2000)])


class ReportDecisionForm(FlaskForm):
    close_job = BooleanField(_l("Also close the job"), default=True)
