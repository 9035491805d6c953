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
        origin, destination = self.origin_code.data or "", field.data or ""
        if destination == origin:
            raise ValidationError(_l("Origin and destination must differ."))
        # A region and a part of it are one labour market: a "partner" inside one's own
        # district would turn local hires into partner-region hires (a subsidy's basis).
        if destination.startswith(origin) or origin.startswith(destination):
            raise ValidationError(
                _l("One region lies inside the other: choose two separate regions.")
            )
