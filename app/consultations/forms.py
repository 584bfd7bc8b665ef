"""Consultation forms: one WTForms class per form, French messages."""
from datetime import UTC

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.accounts.models import OrgKind
from app.common.forms import BaseForm
from app.consultations.enums import ConsultationKind, QuestionKind, Targeting
from app.reports import images

REQUIRED = "Ce champ est obligatoire."
QUESTION_SLOTS = 6


class ScreenshotsField:
    """The `screenshots` field's check: the uploads re-encoded (kept in processed_screenshots) or refused."""

    processed_screenshots = ()

    def validate_screenshots(self, field):
        try:
            self.processed_screenshots = images.process_uploads(field.data)
        except images.ScreenshotError as exc:
            self.processed_screenshots = ()
            raise ValidationError(str(exc)) from None


class QuestionForm(Form):
    """One question slot of the consultation form (an empty text leaves the slot unused)."""

    kind = SelectField("Type de question", choices=QuestionKind.choices(), default=QuestionKind.SCALE.value)
    text = StringField("Intitulé de la question", validators=[Optional(), Length(max=300)])
    choices = TextAreaField("Choix proposés (un par ligne)", validators=[Optional(), Length(max=2000)],
                            description="Pour les questions à choix unique ou multiples seulement.")


class ConsultationForm(ScreenshotsField, BaseForm):
    application = SelectField("Service concerné", coerce=int, validators=[DataRequired(REQUIRED)])
    procedure = SelectField("Démarche (facultatif)", coerce=int, validate_choice=False)
    kind = SelectField("Type de consultation", choices=ConsultationKind.choices())
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=200)])
    purpose = TextAreaField("Ce que vous demandez et pourquoi", validators=[DataRequired(REQUIRED), Length(max=5000)])
    prototype_url = StringField("Lien vers la maquette ou le prototype (facultatif)",
                                validators=[Optional(), Length(max=500)],
                                description="Une adresse qui commence par https://")
    starts_on = DateField("Date de début", validators=[Optional()])
    ends_on = DateField("Date de fin", validators=[Optional()])
    capacity = IntegerField("Nombre de places (tests et ateliers)", validators=[
        Optional(), NumberRange(1, 10000, "Indiquez un nombre entre 1 et 10 000.")],
        description="Au-delà, les volontaires sont inscrits en liste d'attente. Laissez vide : sans limite.")
    event_at = DateTimeLocalField("Atelier : date et heure", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField("Atelier : lieu, ou « visio »", validators=[Optional(), Length(max=300)])
    targeting = SelectField("À qui s'adresse la consultation", choices=Targeting.choices())
    org_kinds = SelectMultipleField("Types de structure", choices=OrgKind.choices(), validators=[Optional()])
    departments = StringField("Départements", validators=[Optional(), Length(max=300)],
                              description="Numéros séparés par des virgules, par exemple : 59, 62, 2A")
    questions = FieldList(FormField(QuestionForm), min_entries=QUESTION_SLOTS, max_entries=12)
    screenshots = MultipleFileField(
        "Captures de la maquette (facultatif)", description="Jusqu'à 5 images PNG ou JPEG de 5 Mo chacune, montrées "
        "aux agents consultés. Leurs métadonnées sont supprimées.")

    def fill_choices(self, applications):
        self.application.choices = [SelectChoice(a.id, a.name) for a in applications]
        self.procedure.choices = [SelectChoice(0, "— Toutes les démarches du service —")] + [
            SelectChoice(p.id, f"{a.name} — {p.title}") for a in applications for p in a.procedures if p.is_active]
        return self

    def fill_from(self, consultation):
        """Show a draft's values (GET of the edit page)."""
        self.application.data, self.procedure.data = consultation.application_id, consultation.procedure_id or 0
        for name in ("kind", "title", "purpose", "prototype_url", "starts_on", "ends_on", "capacity", "place",
                     "targeting"):
            getattr(self, name).data = getattr(consultation, name)
        self.event_at.data = consultation.event_at.replace(tzinfo=None) if consultation.event_at else None
        self.org_kinds.data = consultation.target_values(Targeting.ORG_KINDS.value)
        self.departments.data = ", ".join(consultation.target_values(Targeting.DEPARTMENTS.value))
        while len(self.questions) < max(QUESTION_SLOTS, len(consultation.questions)):
            self.questions.append_entry()
        for slot, question in zip(self.questions, consultation.questions, strict=False):
            slot.form.kind.data, slot.form.text.data = question.kind, question.text
            slot.form.choices.data = "\n".join(question.choices or [])
        return self

    def values(self, timezone):
        """The typed values as the services expect them."""
        event_at = self.event_at.data.replace(tzinfo=timezone).astimezone(UTC) if self.event_at.data else None
        return {
            "application_id": self.application.data, "procedure_id": self.procedure.data or None,
            "kind": self.kind.data, "title": self.title.data, "purpose": self.purpose.data,
            "prototype_url": self.prototype_url.data, "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data, "capacity": self.capacity.data, "event_at": event_at,
            "place": self.place.data, "targeting": self.targeting.data, "org_kinds": self.org_kinds.data,
            "departments": [d for d in (self.departments.data or "").replace(";", ",").split(",")],
        }

    def question_values(self):
        return [{"kind": q.form.kind.data, "text": q.form.text.data or "",
                 "choices": (q.form.choices.data or "").splitlines()} for q in self.questions]


class AnswerForm(ScreenshotsField, BaseForm):
    """The fixed part of the answer form; the questions' fields are named q<id> (read_answers)."""

    signed = BooleanField("Signer mes réponses",
                          description="L'équipe verra votre nom à côté de vos réponses. Sinon, elle ne voit que "
                          "le type de votre structure et votre département.")
    citizen_view = TextAreaField(
        "Avis d'usager recueilli à l'accueil (facultatif)", validators=[Optional(), Length(max=3000)],
        description="Ce que la personne accompagnée en pense, avec ses mots, sans nom ni coordonnées : "
        "ils seraient de toute façon masqués.")
    citizen_consent = BooleanField("L'usager est d'accord pour que son avis soit transmis à l'équipe")
    screenshots = MultipleFileField(
        "Captures d'écran", description="Jusqu'à 5 images PNG ou JPEG de 5 Mo chacune. Leurs métadonnées sont "
        "supprimées ; cachez les informations personnelles visibles avant de les joindre.")

    def validate_citizen_consent(self, field):
        if (self.citizen_view.data or "").strip() and not field.data:
            raise ValidationError("Cochez cette case si l'usager est d'accord, ou retirez son avis.")


def read_answers(consultation, formdata):
    """{question id: submitted value(s)} of the answer form."""
    answers = {}
    for question in consultation.questions:
        values = formdata.getlist(f"q{question.id}")
        answers[question.id] = values if question.kind == QuestionKind.MULTIPLE else (values[0] if values else None)
    return answers


class CloseForm(BaseForm):
    outcome = TextAreaField(
        "Ce que nous avons changé grâce à vous", validators=[DataRequired(REQUIRED), Length(max=10000)],
        description="Ce qui est gardé, ce qui change, ce qui ne changera pas et pourquoi. Ce texte est envoyé "
        "à chaque participant et affiché sur la page de la consultation.")
    release_on = DateField("Date de mise en production", validators=[Optional()])
    fixed_reports = StringField("Remontées corrigées dans cette version (facultatif)",
                                validators=[Optional(), Length(max=1000)],
                                description="Références séparées par des virgules, par exemple : R-2026-000012")

    def references(self):
        return [r.strip() for r in (self.fixed_reports.data or "").split(",") if r.strip()]
