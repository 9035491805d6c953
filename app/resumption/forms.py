"""The employer's resumption-of-work report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app import clock


class ResumptionForm(FlaskForm):
    resumed = BooleanField(_l("We have resumed work"))
    resumed_on = DateField(_l("Resumed on"), validators=[Optional()])
    workers_back = IntegerField(
        _l("Workers back at work"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)]
    )
    workers_total = IntegerField(
        _l("Workers in total"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    obstacles = TextAreaField(_l("Obstacles (optional)"), validators=[Length(max=2000)])

    def validate_workers_back(self, field) -> None:
        if (
            self.workers_total.data is not None
            and field.data is not None
            and field.data > self.workers_total.data
        ):
            raise ValidationError(_l("Cannot exceed the workers in total."))

    def validate_resumed_on(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("Cannot be in the future."))
