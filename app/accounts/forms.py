from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.labels import options

PASSWORD_RULES = [
    DataRequired(),
    Length(min=8, max=128, message=_l("Use 8 to 128 characters.")),
]


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    role = RadioField(
        _l("I am"),
        choices=options(
            [("seeker", _l("Looking for a job")), ("employer", _l("Hiring for a company"))]
        ),
        default="seeker",
        validators=[DataRequired()],
    )
    accept_privacy = BooleanField(
        _l("I have read and accept the privacy notice"),
        validators=[DataRequired(message=_l("Accept the privacy notice to sign up."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name (e.g. the program that uses it)"),
        validators=[DataRequired(), Length(max=80)],
    )
