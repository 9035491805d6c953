from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import RegionField, region_exists
from app.labels import AUDIT_ACTIONS, AUDITED_OBJECTS, ROLES, choices, options
from app.models import Role

ROLE_CHOICES = choices(ROLES)


# Created before the other fields so that it comes first on the new-account form.
EMAIL = EmailField(
    _l("Email"),
    validators=[DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
)


def official_needs_region(form, field) -> None:
    if form.role.data == Role.OFFICIAL.value and not field.data:
        raise ValidationError(_l("An official needs the region they are responsible for."))


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.OFFICIAL.value)
    region_code = RegionField(
        _l("Region (officials see only this region and below)"),
        validators=[official_needs_region, Optional(), region_exists],
    )


class NewUserForm(UserForm):
    email = EMAIL


class EditUserForm(UserForm):
    active = BooleanField(_l("Account enabled (can log in)"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Email or name"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("All roles")), *ROLE_CHOICES], default=""
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Actor (email or id)"), validators=[Optional(), Length(max=254)])
    # Objects and actions by name; the query keeps their codes (links and the CSV use them).
    object_type = SelectField(
        _l("Object type"),
        choices=options([("", _l("Any")), *AUDITED_OBJECTS.items()]),
        default="",
    )
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=40)])
    # Not limited to the choices: a link may name a prefix ("employer.") or an action no
    # longer recorded; the form then offers that code as it is.
    action = SelectField(
        _l("Action"),
        choices=options([("", _l("Any")), *AUDIT_ACTIONS.items()]),
        default="",
        validate_choice=False,
        validators=[Optional(), Length(max=60)],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.action.data and self.action.data not in AUDIT_ACTIONS:
            self.action.choices = [*self.action.choices, SelectChoice(self.action.data)]


class OwnerForm(FlaskForm):
    email = EmailField(
        _l("Email of the employer account that becomes the owner"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
