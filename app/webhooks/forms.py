from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField, widgets
from wtforms.validators import DataRequired, Length

from app.webhooks.service import EVENTS


class WebhookForm(FlaskForm):
    url = URLField(_l("URL that receives the events"), validators=[DataRequired(), Length(max=500)])
    events = SelectMultipleField(
        _l("Events"),
        choices=[(e, e) for e in EVENTS],
        default=list(EVENTS[:3]),
        validators=[DataRequired(message=_l("Choose at least one event."))],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
