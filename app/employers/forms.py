from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import credit_code
from ..forms import region_exists
from ..labels import COMPANY_SIZES, INDUSTRIES, choices


class EmployerForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    industry = SelectField(_l("Industry"), choices=choices(INDUSTRIES))
    size = SelectField(_l("Size"), choices=choices(COMPANY_SIZES))
    region_code = StringField(_l("Region"), validators=[DataRequired(), region_exists])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=200)])
    legal_rep_name = StringField(_l("Legal representative"), validators=[Optional(), Length(max=80)])
    description = TextAreaField(_l("About the company"), validators=[Optional(), Length(max=5000)])

    def validate_credit_code(self, field) -> None:
        try:
            field.data = credit_code.validate(field.data or "")
        except credit_code.InvalidCreditCode as error:
            raise ValidationError(
                {
                    "length": _l("The code has 18 characters."),
                    "characters": _l("The code uses digits and capital letters except I, O, S, V and Z."),
                    "division": _l("Characters 3 to 8 are the region code and must be digits."),
                    "check": _l("The last character does not match: please check the code for a typo."),
                }[str(error)]
            ) from error
