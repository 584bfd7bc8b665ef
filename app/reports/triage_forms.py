"""Forms of the team's triage tools: the comment box, labels, bulk actions, shortcuts preference."""
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.common.forms import BaseForm
from app.reports.label_models import LabelColour

REQUIRED = "Ce champ est obligatoire."


class RespondForm(BaseForm):
    """One comment box: answer or internal note, and a status change, sent together."""

    visibility = RadioField(
        "Type de message",
        choices=[SelectChoice("public", "Répondre (visible des agents qui suivent la remontée)"),
                 SelectChoice("internal", "Note interne (visible de l'équipe seulement)")],
        default="public",
    )
    body = TextAreaField(
        "Votre message", validators=[Optional(), Length(max=5000)],
        description="Pour « Ne sera pas corrigée », « Hors périmètre », « Non reproductible » et « Informations "
        "demandées », ce message est la raison ou la question lue par les agents.",
    )
    status = SelectField("Statut", validate_choice=False, default="")
    redirect = StringField("Service vers lequel rediriger", validators=[Optional(), Length(max=300)],
                           description="Obligatoire pour « Hors périmètre ».")
    workaround = TextAreaField("Contournement", validators=[Optional(), Length(max=5000)],
                               description="Obligatoire pour « Contournement disponible » s'il n'y en a pas déjà un.")


class LabelForm(BaseForm):
    name = StringField("Nom de l'étiquette", validators=[DataRequired(REQUIRED), Length(max=40)],
                       description="Par exemple : régression, mobile, accessibilité.")
    colour = SelectField("Couleur", choices=LabelColour.choices(), default=LabelColour.BLUE_ECUME.value)


BULK_ACTIONS = {
    "qualify": "Qualifier",
    "acknowledge": "Accuser réception",
    "assign": "Assigner à…",
    "label": "Ajouter l'étiquette…",
    "duplicate": "Fermer comme doublon de…",
}


class BulkForm(BaseForm):
    """Bulk actions on the rows ticked on the board (no JavaScript needed)."""

    ids = SelectMultipleField("Remontées sélectionnées", validate_choice=False)
    action = SelectField("Action sur la sélection",
                         choices=[SelectChoice("", "— Choisissez —"),
                                  *(SelectChoice(k, v) for k, v in BULK_ACTIONS.items())],
                         validators=[DataRequired("Choisissez une action.")])
    assignee = SelectField("Personne en charge (pour « Assigner à… »)", validate_choice=False)
    label = SelectField("Étiquette (pour « Ajouter l'étiquette… »)", validate_choice=False)
    main = StringField("Remontée principale (pour « Fermer comme doublon de… »)",
                       validators=[Optional(), Length(max=20)], description="Par exemple : R-2026-000042.")
    back = StringField(validators=[Optional(), Length(max=1000)])


class ShortcutsForm(BaseForm):
    keyboard_shortcuts = BooleanField("Activer les raccourcis à une touche (j, k) sur le tableau")
