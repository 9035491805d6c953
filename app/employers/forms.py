from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; this name is what pybabel extracts
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app import credit_code
from app.auth.forms import PASSWORD_RULES
from app.forms import TagListField, region_exists
from app.labels import COMPANY_SIZES, EMPLOYMENT_TYPES, INDUSTRIES, SALARY_PERIODS, choices

# The region picker (static/js) enhances any input carrying this attribute.
REGION_PICKER = {"data-region-picker": ""}


class EmployerForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    industry = SelectField(_l("Industry"), choices=choices(INDUSTRIES))
    size = SelectField(_l("Size"), choices=choices(COMPANY_SIZES))
    region_code = StringField(
        _l("Region"), validators=[DataRequired(), region_exists], render_kw=REGION_PICKER
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=200)])
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


class JobForm(FlaskForm):
    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(
        _l("Description (Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    skills = TagListField(_l("Skills"))
    salary_min = IntegerField(
        _l("Salary from (¥)"), validators=[DataRequired(), NumberRange(min=0, max=100_000_000)]
    )
    salary_max = IntegerField(
        _l("to (¥)"), validators=[DataRequired(), NumberRange(min=0, max=100_000_000)]
    )
    salary_period = SelectField(
        pgettext("salary period", "Paid"), choices=choices(SALARY_PERIODS), default="month"
    )
    employment_type = SelectField(_l("Employment type"), choices=choices(EMPLOYMENT_TYPES))
    headcount = IntegerField(
        _l("Openings"), default=1, validators=[DataRequired(), NumberRange(min=1, max=10000)]
    )
    region_code = StringField(
        _l("Region"), validators=[DataRequired(), region_exists], render_kw=REGION_PICKER
    )
    remote = BooleanField(_l("Remote work possible"))
    deadline = DateField(_l("Apply by"), validators=[Optional()])
    screening_questions = TextAreaField(
        _l("Screening questions (one per line)"), validators=[Optional(), Length(max=4000)]
    )
    confirm_duplicate = BooleanField(_l("Yes, post it anyway: this is a separate opening"))

    def validate_salary_max(self, field) -> None:
        low = self.salary_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The upper bound must not be below the lower bound."))

    def questions(self) -> list[str]:
        lines = (line.strip()[:300] for line in (self.screening_questions.data or "").splitlines())
        return [line for line in lines if line][:20]
