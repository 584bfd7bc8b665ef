"""Training forms."""
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional

from app.common.forms import BaseForm


class AssignPathForm(BaseForm):
    path = SelectField("Parcours", choices=[], validators=[DataRequired("Choisissez un parcours.")])
    agents = SelectMultipleField(
        "Agents", choices=[], coerce=int,
        description="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        validators=[DataRequired("Choisissez au moins un agent.")],
    )
    due_on = DateField("Date d'échéance", validators=[Optional()],
                       description="Facultative. Format : jj/mm/aaaa ou le sélecteur de date.")


class QuizSubmitForm(BaseForm):
    """The quiz form's fixed part; answers are read per question from the request."""

    submission_key = HiddenField()


class ObservationForm(BaseForm):
    """The grid's fixed part; the ticked behaviours are read from the request (`observe` values)."""

    agent = HiddenField()
    competency = HiddenField()
    context = HiddenField()
    observed_on = DateField("Date de l'observation", validators=[DataRequired("Indiquez la date de l'observation.")],
                            description="Format : jj/mm/aaaa ou le sélecteur de date.")


class TutorGrantForm(BaseForm):
    agent = SelectField("Agent", choices=[], coerce=int, validators=[DataRequired("Choisissez un agent.")])
