"""Working-conditions forms (one class per form)."""
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.common.forms import BaseForm
from app.workplace.enums import (
    SEVERITY_DEFINITIONS,
    Channel,
    Consequence,
    DiscussionKind,
    IncidentContext,
    IncidentKind,
    IncidentStatus,
    Severity,
    SupportKind,
)

REQUIRED = "Ce champ est obligatoire."


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IncidentForm(BaseForm):
    occurred_at = DateTimeLocalField("Date et heure", format="%Y-%m-%dT%H:%M",
                                     validators=[DataRequired("Indiquez la date et l'heure (jj/mm/aaaa hh:mm).")])
    channel = SelectField("Canal", choices=Channel.choices(), validators=[DataRequired(REQUIRED)])
    kind = SelectField("Nature", choices=IncidentKind.choices(), validators=[DataRequired(REQUIRED)])
    severity = RadioField("Gravité", validators=[DataRequired("Choisissez un niveau de gravité.")],
                          choices=[SelectChoice(s.value, f"{s.label} : {SEVERITY_DEFINITIONS[s]}") for s in Severity])
    context = SelectField("Contexte", choices=IncidentContext.choices(), validators=[DataRequired(REQUIRED)])
    report_reference = StringField(
        "Remontée liée (facultatif)", validators=[Optional(), Length(max=20)],
        description="Si un service en ligne était en panne : la référence de la remontée, par exemple R-2026-000123.")
    narrative = TextAreaField(
        "Ce qui s'est passé", validators=[DataRequired(REQUIRED), Length(max=3000)],
        description="Les faits, en quelques lignes. N'écrivez ni nom ni numéro de l'usager : ils seraient masqués.")
    consequences = CheckboxesField("Conséquences (aucune si rien n'est coché)", choices=Consequence.choices())
    support_wanted = CheckboxesField("Soutien souhaité", choices=SupportKind.choices())
    anonymous_to_hr = BooleanField(
        "Ne pas transmettre mon nom aux ressources humaines",
        description="Votre nom reste conservé pour les besoins légaux ; tout accès est tracé.")


class TransitionForm(BaseForm):
    status = SelectField("Nouvel état", choices=[SelectChoice(s.value, s.label) for s in IncidentStatus if s != IncidentStatus.RECEIVED],
                         validators=[DataRequired(REQUIRED)])
    note = TextAreaField("Action menée", validators=[Optional(), Length(max=2000)],
                         description="Par exemple : débriefing fait le 3, psychologue proposé.")


class RevealForm(BaseForm):
    reason = TextAreaField("Motif légal de l'accès", validators=[DataRequired(REQUIRED), Length(max=300)])


class MandateForm(BaseForm):
    email = StringField("Adresse e-mail de l'agent", validators=[DataRequired(REQUIRED), Length(max=254)])
    organisation_code = StringField("Code de la structure (ou laisser vide)", validators=[Optional(), Length(max=40)])
    department = StringField("Département (ou laisser vide)", validators=[Optional(), Length(max=3)])


class ActionForm(BaseForm):
    title = StringField("Action", validators=[DataRequired(REQUIRED), Length(max=300)])
    item_code = SelectField("Point de la liste", validators=[Optional()], choices=[])
    owner_email = StringField("Responsable (adresse e-mail)", validators=[DataRequired(REQUIRED), Length(max=254)])
    due_on = DateField("Échéance", validators=[DataRequired("Indiquez une date (jj/mm/aaaa).")])


class CampaignForm(BaseForm):
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=200)])
    opens_on = DateField("Ouverture", validators=[DataRequired("Indiquez une date (jj/mm/aaaa).")])
    closes_on = DateField("Clôture", validators=[DataRequired("Indiquez une date (jj/mm/aaaa).")])
    national = BooleanField("Campagne nationale (toutes les structures)")

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError("La clôture doit suivre l'ouverture.")


class DiscussionForm(BaseForm):
    kind = SelectField("Type", choices=DiscussionKind.choices(), validators=[DataRequired(REQUIRED)])
    quarter = StringField("Trimestre (AAAA-T1 à AAAA-T4)", validators=[DataRequired(REQUIRED), Length(max=7)])
    text = TextAreaField("Texte", validators=[DataRequired(REQUIRED), Length(max=2000)],
                         description="Pas de nom de collègue ni d'usager.")
