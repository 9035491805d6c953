"""Forms of the identity check: an official's decision and the retention period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app.forms import RegionField
from app.identity.service import MAX_RETENTION_DAYS
from app.labels import options


class DecideForm(FlaskForm):
    """An official's decision on a check. Its fields are named identity-…: the employer
    review page that shows it has a decision form of its own, with the same field names."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="identity", **kwargs)

    decision = RadioField(
        _l("Identity check"),
        choices=options(
            [
                ("approve", _l("Approve: this is the legal representative")),
                ("reject", _l("Reject")),
            ]
        ),
        validators=[DataRequired()],
    )
    reasons = TextAreaField(_l("Reasons (required when rejecting)"), validators=[Length(max=2000)])

    def validate_reasons(self, field) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(
                _l("Say why the check is rejected, so the employer can try again.")
            )


class RetentionForm(FlaskForm):
    region_code = RegionField(_l("Region"), validators=[DataRequired()])
    days = IntegerField(
        _l("Keep snapshots for (days)"),
        validators=[InputRequired(), NumberRange(1, MAX_RETENTION_DAYS)],
    )
