from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.accounts.forms import PASSWORD_RULES


class NoticeForm(FlaskForm):
    accept = BooleanField(
        _l("I have read and accept the privacy notice"),
        validators=[DataRequired(message=_l("Accept the privacy notice to continue."))],
    )


class DeleteForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(), Length(max=128)]
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class PreferencesForm(FlaskForm):
    notify_email = BooleanField(_l("Send me notifications by email too"))
    resume_consent = BooleanField(
        _l("Verified employers may find my résumé in search (you can withdraw this at any time)")
    )
