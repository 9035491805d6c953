from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.accounts.forms import PASSWORD_RULES
from app.employers import credit_code, websites
from app.employers.fast_track import COMMITMENT_TEXT
from app.forms import RegionField, region_exists
from app.labels import COMPANY_SIZES, INDUSTRIES, choices, options
from app.models import ReviewDecision


def website_address(form, field) -> None:
    """A website as `websites.read` reads it, kept with its scheme; a refused one is shown
    again as it was typed."""
    try:
        field.data = websites.read(field.data)
    except websites.Refused as refusal:
        raise ValidationError(str(refusal)) from None


class EmployerForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    industry = SelectField(_l("Industry"), choices=choices(INDUSTRIES))
    size = SelectField(_l("Size"), choices=choices(COMPANY_SIZES))
    region_code = RegionField(_l("Region"), validators=[DataRequired(), region_exists])
    blind_screening = BooleanField(
        _l("Blind screening: hide applicants' names and contact details until shortlisted")
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    website = StringField(
        _l("Website"),
        validators=[Optional(), website_address],
        # a text box, not type=url: browsers refuse "example.com" there, as people write it
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    description = TextAreaField(_l("About the company"), validators=[Optional(), Length(max=5000)])
    logo = FileField(
        _l("Logo (PNG or JPEG, up to 10 MB)"), render_kw={"accept": "image/png,image/jpeg"}
    )

    def validate_credit_code(self, field) -> None:
        try:
            field.data = credit_code.validate(field.data or "")
        except credit_code.InvalidCreditCode as error:
            raise ValidationError(
                {
                    "length": _l("The code has 18 characters."),
                    "characters": _l(
                        "The code uses digits and capital letters except I, O, S, V and Z."
                    ),
                    "division": _l("Characters 3 to 8 are the region code and must be digits."),
                    "check": _l(
                        "The last character does not match: please check the code for a typo."
                    ),
                }[str(error)]
            ) from error


DOCUMENT_ACCEPT = {"accept": "application/pdf,image/png,image/jpeg"}


class DocumentsForm(FlaskForm):
    legal_rep_name = StringField(
        _l("Legal representative's name"), validators=[Optional(), Length(max=80)]
    )
    business_licence = FileField(
        _l("Business licence (PDF, JPEG or PNG)"), render_kw=DOCUMENT_ACCEPT
    )
    legal_rep_id = FileField(
        _l("Legal representative's ID document (photo or PDF)"), render_kw=DOCUMENT_ACCEPT
    )
    commitment = BooleanField(COMMITMENT_TEXT)


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Colleague's email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )


class JoinForm(FlaskForm):
    """A new account created from an invitation; the address is the invited one."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    accept_privacy = BooleanField(
        _l("I have read and accept the privacy notice"),
        validators=[DataRequired(message=_l("Accept the privacy notice to sign up."))],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=options(
            [
                (ReviewDecision.APPROVED.value, _l("Approve")),
                (ReviewDecision.RETURNED.value, _l("Return for changes")),
            ]
        ),
        validators=[DataRequired()],
    )
    reasons = TextAreaField(_l("Reasons (required when returning)"), validators=[Length(max=2000)])
    without_identity = BooleanField(_l("Approve without an approved video identity check"))


class PostCheckForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome of the documents check"),
        choices=options(
            [("pass", _l("The documents are in order")), ("fail", _l("Revoke the approval"))]
        ),
        validators=[DataRequired()],
    )
    reasons = TextAreaField(_l("Reasons (required when revoking)"), validators=[Length(max=2000)])


class FastTrackRuleForm(FlaskForm):
    region_code = RegionField(
        _l("Region the rule applies to (and below)"), validators=[DataRequired(), region_exists]
    )
    enabled = BooleanField(_l("Fast track on: qualifying employers are approved on commitment"))
    require_valid_credit_code = BooleanField(_l("Require a valid unified social credit code"))
    max_upheld_reports = IntegerField(
        _l("Upheld fraud reports allowed"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    max_returned_reviews = IntegerField(
        _l("Documents returned in the last year allowed"),
        validators=[InputRequired(), NumberRange(0, 1000)],
    )
    post_check_days = IntegerField(
        _l("Days to check the documents after approval"),
        validators=[InputRequired(), NumberRange(1, 365)],
    )
    revoke_when_overdue = BooleanField(_l("Revoke automatically when the check is overdue"))
