"""Forms of the passport documents, mobility and VAE pages."""
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.common.forms import BaseForm
from app.passports.models import VaeStatus

STATEMENT_MAX = 10000


class ConfirmForm(BaseForm):
    """A button that only needs the CSRF token (create the personal path)."""


class StartVaeForm(BaseForm):
    certification = SelectField("Certification visée", choices=[],
                                validators=[DataRequired("Choisissez une certification.")])


class StageForm(BaseForm):
    status = SelectField("Nouvelle étape", choices=[], validators=[DataRequired("Choisissez une étape.")])


class JuryForm(BaseForm):
    result = SelectField("Résultat du jury", choices=[], validators=[DataRequired("Choisissez le résultat du jury.")])
    blocks = SelectMultipleField("Blocs validés (validation partielle)", choices=[], validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.result.choices = [
            (s.value, s.label) for s in (VaeStatus.JURY_FULL, VaeStatus.JURY_PARTIAL, VaeStatus.JURY_NONE)
        ]


def statements_form(competencies, data=None):
    """A form with one text area per competency (field name `c<id>`), labelled with the competency."""

    class StatementsForm(BaseForm):
        pass

    for competency in competencies:
        setattr(StatementsForm, f"c{competency.id}", TextAreaField(
            f"{competency.code} — {competency.title}",
            description="Décrivez des situations réelles où vous avez mis en œuvre cette compétence.",
            validators=[Length(max=STATEMENT_MAX, message=f"{STATEMENT_MAX} caractères au plus.")],
        ))
    form = StatementsForm(data=data)
    return form
