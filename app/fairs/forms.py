"""The job-fair form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from app.forms import IndustriesField, RegionField, dates_ordered, region_exists


class FairForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    theme = TextAreaField(_l("Theme"), validators=[Length(max=2000)])
    region_code = RegionField(_l("Region"), validators=[DataRequired(), region_exists])
    sectors = IndustriesField(_l("Industries"))
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(), dates_ordered])
