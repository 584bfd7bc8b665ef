"""Back-office forms: one WTForms class per form, French messages."""
from functools import lru_cache

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from app.backoffice.enums import CITIZEN_FIELDS, ConsentKind, Operator, Urgency, Usefulness
from app.backoffice.models import coverage_label
from app.common.forms import BaseForm, PrerenderedChoices, PrerenderedSelect, prerendered_choice

REQUIRED = "Ce champ est obligatoire."


class RequestForm(BaseForm):
    operator = SelectField("Opérateur concerné", choices=[SelectChoice("", "— Choisissez —"), *Operator.choices()],
                           validators=[DataRequired(REQUIRED)])
    procedure = SelectField("Démarche (facultatif)", validate_choice=False)
    subject = StringField("Objet de la demande", validators=[DataRequired(REQUIRED), Length(max=150)],
                          description="150 caractères au plus, sans nom ni numéro de l'usager : ils seront masqués.")
    situation = TextAreaField("Situation", validators=[DataRequired(REQUIRED), Length(max=5000)],
                              description="Les identifiants (NIR, n° allocataire, téléphone…) sont masqués avant l'envoi.")
    tried = TextAreaField("Ce qui a déjà été tenté", validators=[Optional(), Length(max=5000)])
    urgency = SelectField("Urgence", choices=Urgency.choices(), default=Urgency.NONE.value)
    urgency_date = DateField("Date de l'échéance", validators=[Optional()],
                             description="Obligatoire pour une échéance : date limite à ne pas dépasser.")
    shared_with_site = BooleanField("Partager la demande avec les collègues de ma structure")
    with_citizen = BooleanField("Joindre le bloc usager (identité et identifiants, avec son consentement)")
    last_name = StringField("Nom", validators=[Optional(), Length(max=100)])
    first_name = StringField("Prénom", validators=[Optional(), Length(max=100)])
    birth_date = StringField("Date de naissance", validators=[Optional(), Length(max=10)],
                             description="Format JJ/MM/AAAA")
    caf_number = StringField("Numéro allocataire", validators=[Optional(), Length(max=20)])
    nir = StringField("Numéro de sécurité sociale (NIR)", validators=[Optional(), Length(max=21)])
    tax_number = StringField("Numéro fiscal", validators=[Optional(), Length(max=20)])
    france_travail_id = StringField("Identifiant France Travail", validators=[Optional(), Length(max=20)])
    phone = StringField("Téléphone", validators=[Optional(), Length(max=20)])
    consent_kind = SelectField("Consentement de l'usager", choices=[SelectChoice("", "— Choisissez —"), *ConsentKind.choices()],
                               validate_choice=False)
    consent_date = DateField("Date du consentement", validators=[Optional()])
    attachments = MultipleFileField("Pièces jointes (facultatif)",
                                    description="PNG, JPEG ou PDF, 5 Mo au plus chacun, 5 fichiers au plus.")

    def validate_urgency_date(self, field):
        if self.urgency.data == Urgency.DEADLINE and not field.data:
            raise ValidationError("Indiquez la date de l'échéance.")

    def validate_consent_kind(self, field):
        if self.with_citizen.data and self.citizen() and not field.data:
            raise ValidationError("Le bloc usager exige le consentement enregistré de l'usager.")

    def validate_consent_date(self, field):
        if self.with_citizen.data and self.citizen() and not field.data:
            raise ValidationError("Indiquez la date du consentement.")

    def citizen(self):
        if not self.with_citizen.data:
            return None
        block = {key: (getattr(self, key).data or "").strip() for key, _label in CITIZEN_FIELDS}
        return {k: v for k, v in block.items() if v} or None

    def values(self):
        return {
            "operator": self.operator.data, "procedure_id": int(self.procedure.data) if self.procedure.data else None,
            "subject": self.subject.data, "situation": self.situation.data, "tried": self.tried.data or "",
            "urgency": self.urgency.data, "urgency_date": self.urgency_date.data,
            "shared_with_site": self.shared_with_site.data,
        }

    def consent(self):
        return {"kind": self.consent_kind.data, "date": self.consent_date.data} if self.consent_kind.data else None


class MessageForm(BaseForm):
    body = TextAreaField("Message", validators=[DataRequired(REQUIRED), Length(max=5000)])


class NoteForm(BaseForm):
    body = TextAreaField("Note interne (invisible pour l'agent)", validators=[DataRequired(REQUIRED), Length(max=5000)])


class CloseForm(BaseForm):
    useful = RadioField("La réponse vous semble-t-elle utile pour l'usager ?", choices=Usefulness.choices(),
                        validators=[DataRequired("Répondez à la question.")])


class RerouteForm(BaseForm):
    group = SelectField("Pôle suggéré", validators=[DataRequired(REQUIRED)], coerce=str, widget=PrerenderedSelect())
    body = TextAreaField("Message au pôle (facultatif)", validators=[Optional(), Length(max=5000)])


class InviteForm(BaseForm):
    group = SelectField("Pôle à inviter", validators=[Optional()], coerce=str, widget=PrerenderedSelect())
    expert = StringField("ou adresse d'un expert nommé", validators=[Optional(), Email("Adresse invalide."), Length(max=254)])
    body = TextAreaField("Message (facultatif)", validators=[Optional(), Length(max=5000)])
    hidden = BooleanField("Masquer ce message à l'agent")


class TransferForm(BaseForm):
    case_number = StringField("Numéro de dossier chez l'opérateur", validators=[DataRequired(REQUIRED), Length(max=60)])


class ShareForm(BaseForm):
    shared = BooleanField("Partager avec les collègues de ma structure")


class HandoverForm(BaseForm):
    colleague = SelectField("Collègue", validators=[DataRequired(REQUIRED)], coerce=str, widget=PrerenderedSelect())
    consent_renewed = BooleanField(
        "L'usager a donné oralement son accord pour que ce ou cette collègue suive sa demande",
        description="Consentement oral : sans cet accord, les données de l'usager sont effacées lors du transfert.")


class PreferenceForm(BaseForm):
    email_opt_out = BooleanField("Ne pas recevoir les e-mails de l'appui expert (les notifications restent)")


class GroupEditForm(BaseForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=200)])
    departments = StringField("Départements couverts", validators=[Optional(), Length(max=400)],
                              description="Séparés par des virgules, ex. 69,01 ; vide pour un pôle national.")
    national = BooleanField("Pôle national")
    public_note = TextAreaField("Quand nous solliciter", validators=[Optional(), Length(max=2000)])
    mailbox = StringField("Boîte aux lettres partagée", validators=[Optional(), Email("Adresse invalide."), Length(max=254)])
    target_days = IntegerField("Délai de première réponse (jours ouvrés)", default=3,
                               validators=[NumberRange(1, 30, "Entre 1 et 30 jours ouvrés.")])
    # Ids of catalogue procedures (checkboxes grouped by online service in the template).
    themes = SelectMultipleField("Thèmes du pôle (démarches du catalogue des services en ligne)", coerce=int,
                                 validate_choice=False)


class GroupForm(GroupEditForm):
    code = StringField("Code", validators=[DataRequired(REQUIRED), Length(max=40)])
    operator = SelectField("Opérateur", choices=Operator.choices())


class MemberForm(BaseForm):
    email = StringField("Adresse de l'expert", validators=[DataRequired(REQUIRED), Email("Adresse invalide.")])


class FicheForm(BaseForm):
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=150)])
    body = TextAreaField("Contenu (Markdown, sans donnée personnelle)", validators=[DataRequired(REQUIRED), Length(max=10000)])
    competencies = StringField("Compétences liées (codes, séparés par des virgules)", validators=[Optional(), Length(max=200)])
    modules = StringField("Modules de formation liés (identifiants, séparés par des virgules)",
                          validators=[Optional(), Length(max=300)])
    review_on = DateField("À relire le", validators=[Optional()])


class DebriefSlotForm(BaseForm):
    slot_at = DateTimeLocalField("Date et heure", format="%Y-%m-%dT%H:%M", validators=[DataRequired(REQUIRED)])
    place = StringField("Lien de visio ou lieu", validators=[DataRequired(REQUIRED), Length(max=300)])


class DebriefNoteForm(BaseForm):
    note = TextAreaField("Compte rendu", validators=[DataRequired(REQUIRED), Length(max=5000)])
    competency_code = StringField("Compétence observée (ex. A3.2)", validators=[Optional(), Length(max=20)])
    level = IntegerField("Niveau observé", validators=[Optional(), NumberRange(1, 4, "Entre 1 et 4.")])
    module_slug = StringField("Module de formation recommandé (identifiant)", validators=[Optional(), Length(max=120)])


class UpstreamForm(BaseForm):
    title = StringField("Résumé", validators=[DataRequired(REQUIRED), Length(max=200)])
    what_happened = TextAreaField("Ce qui bloque les usagers", validators=[DataRequired(REQUIRED), Length(max=5000)])


def _group_choice(group):
    return prerendered_choice(group.code, f"{group.name} ({coverage_label(group.is_national, group.departments)})")


@lru_cache(maxsize=4)
def _group_options(groups):
    """(group id, its choice) of each of these groups (a tuple of rows of id, code, name, is_national,
    departments), their options written once per version of the list (the rows are the key)."""
    return tuple((g.id, _group_choice(g)) for g in groups)


CHOOSE = prerendered_choice("", "— Choisissez —")


@lru_cache(maxsize=64)
def prerendered_colleague_choices(colleagues):
    """The hand-over select's choices: « — Choisissez — » then these colleagues (a tuple of rows of id and
    full name, as ColleagueRow or a plain tuple), as PrerenderedChoices written once per list (the rows are the
    key: a pure function of them)."""
    return PrerenderedChoices([CHOOSE, *(prerendered_choice(str(id_), full_name) for id_, full_name in colleagues)])


_kept_group_choices = [None, None]  # [the groups (the process's kept active groups), their choices by exclude]


def group_choices(groups, exclude=()):
    """The reroute and invite selects' choices: « name (coverage) » of these groups (a tuple of rows) but those
    of `exclude` (ids), after « — Choisissez — », as PrerenderedChoices: the options are written once per
    version of the list, not on every request page. The same `groups` object (the active groups a process
    keeps) with the same `exclude` gives the same choices (PrerenderedChoices: their options joined once)."""
    kept, by_exclude = _kept_group_choices
    if kept is not groups:
        options = _group_options(tuple(groups))

        @lru_cache(maxsize=64)
        def by_exclude(exclude):
            return PrerenderedChoices([CHOOSE, *(choice for id_, choice in options if id_ not in exclude)])

        _kept_group_choices[:] = [groups, by_exclude]
    return by_exclude(frozenset(exclude))
