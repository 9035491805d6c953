"""The forms that schedule a broadcast and move it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RegionField, region_exists


class BroadcastForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    starts_at = DateTimeLocalField(
        _l("Starts at (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    # A RegionField, not a bare code: a form shown again (another field refused) keeps the
    # place in the picker, and without script a typed name works.
    region_code = RegionField(_l("Region it is for"), validators=[Optional(), region_exists])
    fair_id = SelectField(_l("Job fair (livestream of a fair)"), coerce=int, default=0)
    documents = TextAreaField(
        _l("Policy documents, one per line: title | https://…"), validators=[Length(max=4000)]
    )


class RescheduleForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("New start (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
