"""The labor-cooperation agreement form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.forms import IndustriesField, RegionField, dates_ordered, region_exists


class AgreementForm(FlaskForm):
    origin_code = RegionField(
        _l("Origin region (where workers come from)"),
        validators=[DataRequired(), region_exists],
    )
    destination_code = RegionField(
        _l("Destination region (where the jobs are)"),
        validators=[DataRequired(), region_exists],
    )
    sectors = IndustriesField(_l("Industries"))
    workers_target = IntegerField(
        _l("Workers target"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)]
    )
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(), dates_ordered])

    def validate_destination_code(self, field) -> None:
        if field.data == self.origin_code.data:
            raise ValidationError(_l("Origin and destination must differ."))
