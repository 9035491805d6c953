from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField, widgets
from wtforms.validators import DataRequired, Length

from app.labels import options
from app.webhooks.service import EVENTS

# What each event means, in the reader's language; its name (the contract) is shown beside it.
EVENT_LABELS = {
    "application.created": _l("A candidate applied"),
    "application.stage_changed": _l("An application moved to another stage"),
    "interview.scheduled": _l("An interview was scheduled"),
    "conversation.message": _l("A chat message arrived"),
}


class WebhookForm(FlaskForm):
    url = URLField(_l("URL that receives the events"), validators=[DataRequired(), Length(max=500)])
    events = SelectMultipleField(
        _l("Events"),
        choices=options((e, EVENT_LABELS.get(e, e)) for e in EVENTS),
        default=list(EVENTS[:3]),
        validators=[DataRequired(message=_l("Choose at least one event."))],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
