"""Passport forms: one WTForms class per form; choices come from the referential."""
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.common.forms import BaseForm
from app.extensions import db
from app.passports import evidence
from app.referential.models import Activity, Competency, ScaleLevel

REQUIRED = "Ce champ est obligatoire."
LEVEL_NAMES = {1: "Notions", 2: "Application avec aide", 3: "Maîtrise autonome", 4: "Expertise / transmission"}
FILE_HINT = "Facultative. PDF, PNG ou JPEG, 10 Mo au plus : attestation, capture, document produit (sans donnée d'usager)."


def competency_choices():
    """Competencies grouped by activity (1 query)."""
    rows = db.session.execute(
        db.select(Competency.code, Competency.title, Activity.code, Activity.title)
        .join(Activity, Competency.activity_id == Activity.id)
        .order_by(Activity.position, Activity.code, Competency.position, Competency.code)
    ).all()
    return [SelectChoice("", "— Choisissez une compétence —")] + [
        SelectChoice(code, f"{code} — {title}", optgroup=f"{a_code} — {a_title}")
        for code, title, a_code, a_title in rows
    ]


def level_choices():
    """Levels 1 to 4 with the referential's labels (1 query)."""
    names = dict(LEVEL_NAMES)
    names.update({row.level: row.label for row in db.session.scalars(db.select(ScaleLevel)) if row.level in names})
    return [SelectChoice("", "— Choisissez un niveau —")] + [
        SelectChoice(str(level), f"{level} — {label}") for level, label in sorted(names.items())
    ]


class _CompetencyLevelForm(BaseForm):
    competency = SelectField("Compétence", choices=[], validate_choice=False,
                             validators=[DataRequired("Choisissez une compétence.")])
    level = SelectField("Niveau", choices=[], validate_choice=False,
                        validators=[DataRequired("Choisissez un niveau.")])

    def fill_choices(self):
        self.competency.choices = competency_choices()
        self.level.choices = level_choices()
        return self

    def validate_competency(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError("Compétence inconnue : choisissez une compétence du référentiel.")

    def validate_level(self, field):
        if field.data not in {"1", "2", "3", "4"}:
            raise ValidationError("Le niveau doit être compris entre 1 et 4.")


class EntryEditForm(_CompetencyLevelForm):
    description = TextAreaField(
        "Situations réelles",
        description="Décrivez une ou plusieurs situations vécues à l'accueil qui montrent cette compétence "
                    "(sans nom ni donnée d'usager).",
        validators=[DataRequired("Décrivez au moins une situation réelle."), Length(max=5000)],
    )


class EntryForm(EntryEditForm):
    """Declare an experience entry, with an optional evidence file checked by its content."""

    file = FileField("Pièce justificative", description=FILE_HINT)
    checked_file = None

    def validate_file(self, field):
        storage = field.data
        if not storage or not getattr(storage, "filename", ""):
            return
        try:
            self.checked_file = evidence.check_upload(storage)
        except evidence.EvidenceError as exc:
            raise ValidationError(str(exc)) from None


class EvidenceUploadForm(BaseForm):
    file = FileField("Ajouter une pièce justificative", description=FILE_HINT.replace("Facultative. ", ""),
                     validators=[FileRequired("Choisissez un fichier.")])
    checked_file = None

    def validate_file(self, field):
        try:
            self.checked_file = evidence.check_upload(field.data)
        except evidence.EvidenceError as exc:
            raise ValidationError(str(exc)) from None


class SubmitForm(BaseForm):
    version = HiddenField()


class DecisionForm(BaseForm):
    decision = SelectField(
        "Décision",
        choices=[SelectChoice("", "— Choisissez —"), SelectChoice("validate", "Valider"),
                 SelectChoice("request_changes", "Demander des modifications"), SelectChoice("reject", "Refuser")],
        validators=[DataRequired("Choisissez une décision.")],
    )
    comment = TextAreaField(
        "Commentaire pour l'agent",
        description="Obligatoire pour refuser ou demander des modifications.",
        validators=[Length(max=5000)],
    )
    version = HiddenField()

    def validate_comment(self, field):
        if self.decision.data in ("reject", "request_changes") and not (field.data or "").strip():
            raise ValidationError("Un commentaire est obligatoire pour refuser ou demander des modifications.")


class RevokeForm(BaseForm):
    reason = TextAreaField("Motif de la révocation", description="L'agent lira ce motif.",
                           validators=[DataRequired("Indiquez le motif de la révocation."), Length(max=5000)])
    version = HiddenField()


class ObservationForm(_CompetencyLevelForm):
    description = TextAreaField(
        "Situation observée",
        description="Ce que vous avez observé au guichet : la situation, ce que l'agent a fait (sans donnée d'usager).",
        validators=[DataRequired("Décrivez la situation observée."), Length(max=5000)],
    )
