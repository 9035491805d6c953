"""The subsidy-policy form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import RegionField, dates_ordered, region_exists
from app.labels import SUBSIDY_RULES, choices
from app.models import SubsidyRule


class PolicyForm(FlaskForm):
    name = StringField(
        pgettext("subsidy policy", "Name"), validators=[DataRequired(), Length(max=120)]
    )
    rule = SelectField(
        _l("Rule"),
        choices=choices(SUBSIDY_RULES),
    )
    amount = IntegerField(
        _l("Amount (yuan)"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)]
    )
    per_employer_cap = IntegerField(
        _l("Cap per employer (yuan)"),
        validators=[InputRequired(), NumberRange(min=1, max=100_000_000)],
    )
    budget = IntegerField(
        _l("Total budget (yuan)"),
        validators=[InputRequired(), NumberRange(min=1, max=2_000_000_000)],
    )
    region_code = RegionField(_l("Region"), validators=[DataRequired(), region_exists])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(), dates_ordered])
    resumed_by = DateField(_l("Resumed by (for the resumption rule)"), validators=[Optional()])

    def validate_resumed_by(self, field) -> None:
        if self.rule.data == SubsidyRule.SMALL_ENTERPRISE_RESUMED_BY.value and not field.data:
            raise ValidationError(_l("Give the date by which work must have resumed."))
