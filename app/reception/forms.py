"""Forms of the desk log, the HR pages and the public « Votre avis » page."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.common.forms import BaseForm
from app.reception.enums import OPERATORS, SCORES, Channel, Duration, Need, Outcome, Question, Waiting
from app.reception.services import COMMENT_MAX

REQUIRED = "Ce champ est obligatoire."
OPERATOR_CHOICES = [SelectChoice(k.value, k.label) for k in OPERATORS]


def _choices(enum, blank=None):
    options = [SelectChoice(m.value, m.label) for m in enum]
    return ([SelectChoice("", blank)] + options) if blank else options


class VisitForm(BaseForm):
    """One accompaniment; the defaults make the usual case three clicks."""

    channel = SelectField("Canal", choices=_choices(Channel), default=Channel.IN_PERSON.value)
    operators = SelectMultipleField("Opérateurs concernés", choices=OPERATOR_CHOICES,
                                    validators=[DataRequired("Choisissez au moins un opérateur concerné.")])
    procedure_id = SelectField("Démarche (facultatif)", choices=[SelectChoice("", "—")], default="")
    outcome = SelectField("Issue", choices=_choices(Outcome), default=Outcome.RESOLVED.value)
    support_request = StringField("Référence de la demande d'appui (facultatif)", validators=[Length(max=40)],
                                  description="Seulement si l'issue est « Appui expert demandé ».")
    duration = SelectField("Durée", choices=_choices(Duration), default=Duration.FROM_5_TO_15.value)
    waiting = SelectField("Attente (facultatif)", choices=_choices(Waiting, "Non renseignée"), default="")
    needs = SelectMultipleField("Besoins particuliers pris en compte", choices=_choices(Need))
    visited_on = DateField("Date", validators=[Optional()], description="Aujourd'hui si vide.")

    def values(self):
        return {name: self[name].data for name in ("channel", "operators", "procedure_id", "outcome",
                                                   "support_request", "duration", "waiting", "needs",
                                                   "visited_on")}


class QuickVisitForm(BaseForm):
    """Home-page entry: operator then « Enregistrer »; the other fields keep their defaults."""

    channel = SelectField("Canal", choices=_choices(Channel), default=Channel.IN_PERSON.value)
    operators = SelectField("Opérateur concerné", choices=[SelectChoice("", "Choisir")] + OPERATOR_CHOICES,
                            validators=[DataRequired("Choisissez l'opérateur concerné.")])
    outcome = SelectField("Issue", choices=_choices(Outcome), default=Outcome.RESOLVED.value)
    duration = SelectField("Durée", choices=_choices(Duration), default=Duration.FROM_5_TO_15.value)

    def values(self):
        return {"channel": self.channel.data, "operators": [self.operators.data], "outcome": self.outcome.data,
                "duration": self.duration.data}


class QuickRowForm(Form):
    """One row of « saisie rapide » (a row left without operator is skipped)."""

    channel = SelectField("Canal", choices=_choices(Channel), default=Channel.IN_PERSON.value)
    operators = SelectField("Opérateur", choices=[SelectChoice("", "—")] + OPERATOR_CHOICES, default="")
    outcome = SelectField("Issue", choices=_choices(Outcome), default=Outcome.RESOLVED.value)
    duration = SelectField("Durée", choices=_choices(Duration), default=Duration.FROM_5_TO_15.value)
    waiting = SelectField("Attente", choices=_choices(Waiting, "—"), default="")


class QuickModeForm(BaseForm):
    rows = FieldList(FormField(QuickRowForm), min_entries=8, max_entries=20)

    def filled_rows(self):
        """[(row number, values)] of the rows with an operator."""
        return [
            (number, {"channel": row.channel.data, "operators": [row.operators.data], "outcome": row.outcome.data,
                      "duration": row.duration.data, "waiting": row.waiting.data})
            for number, row in enumerate(self.rows, start=1) if row.operators.data
        ]


class SiteTokenForm(BaseForm):
    label = StringField("Nom du jeton", validators=[DataRequired(REQUIRED), Length(max=100)],
                        description="Par exemple : « Borne d'accueil » ou « Gestion de file ».")


class ConfirmForm(BaseForm):
    pass


class NetworkDepartmentForm(BaseForm):
    user_id = SelectField("Animateur réseau", choices=[], validators=[DataRequired(REQUIRED)])
    department = StringField("Département", validators=[DataRequired(REQUIRED), Length(max=3)],
                             description="Code du département : 69, 2A, 974…")


class RenewLinkForm(BaseForm):
    confirm = BooleanField("Je comprends que les affiches déjà imprimées ne fonctionneront plus.",
                           validators=[DataRequired("Cochez la case pour confirmer.")])


class VisitImportForm(BaseForm):
    file = FileField("Fichier CSV", description="Colonnes : date, canal, operateurs, issue, duree, attente, "
                     "besoins, demarche (séparées par des points-virgules).",
                     validators=[FileRequired(REQUIRED), FileAllowed(["csv", "txt"], "Choisissez un fichier .csv.")])


class VisitImportApplyForm(BaseForm):
    content = HiddenField(validators=[DataRequired()])


SCORE_CHOICES = [SelectChoice(str(value), f"{value} — {words}") for value, words in SCORES]


class VoiceForm(BaseForm):
    """« Votre avis »: three questions, a comment, an online service that caused a problem."""

    handled = RadioField(Question.HANDLED.label, choices=SCORE_CHOICES, validators=[Optional()])
    welcome = RadioField(Question.WELCOME.label, choices=SCORE_CHOICES, validators=[Optional()])
    waiting = RadioField(Question.WAITING.label, choices=SCORE_CHOICES, validators=[Optional()])
    comment = TextAreaField("Votre commentaire (facultatif)", validators=[Length(max=COMMENT_MAX)],
                            description=f"{COMMENT_MAX} caractères au plus. N'écrivez pas votre nom, "
                            "votre téléphone ni votre adresse.")
    application_id = SelectField("Un service en ligne vous a posé problème ? Lequel ? (facultatif)",
                                 choices=[SelectChoice("", "Aucun")], default="")
    problem = TextAreaField("Qu'est-ce qui n'a pas marché ? (facultatif)", validators=[Length(max=COMMENT_MAX)],
                            description=f"{COMMENT_MAX} caractères au plus.")
    # Anti-robot: a field people do not see, and the time the form was shown (signed).
    website = StringField("Ne pas remplir ce champ", validators=[Optional()])
    started = HiddenField()

