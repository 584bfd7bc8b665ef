"""Report forms: one WTForms class per form, French messages."""
from urllib.parse import urlsplit

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.common.forms import BaseForm
from app.reports import images
from app.reports.enums import Browser, Device, ProblemType, Reproducible

REQUIRED = "Ce champ est obligatoire."
PEOPLE = NumberRange(1, 100_000, "Indiquez un nombre entre 1 et 100 000.")


def _http_url(form, field):
    if field.data:
        parts = urlsplit(field.data.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("Saisissez une adresse qui commence par https://.")


class ReportForm(BaseForm):
    application = SelectField("Service en ligne", validators=[DataRequired(REQUIRED)])
    procedure = SelectField("Démarche", validate_choice=False,
                            description="Laissez « Autre ou je ne sais pas » si elle n'est pas dans la liste.")
    step = SelectField("Étape", validate_choice=False)
    screen = StringField("Écran ou étape, si absent de la liste", validators=[Optional(), Length(max=200)])
    page_url = StringField(
        "Adresse de la page (URL)", validators=[Optional(), Length(max=500), _http_url],
        description="Copiez l'adresse affichée dans le navigateur, par exemple https://www.caf.fr/…",
    )
    problem_type = SelectField(
        "Type de problème", choices=[SelectChoice("", "— Choisissez —"), *ProblemType.choices()],
        validators=[DataRequired(REQUIRED)],
    )
    title = StringField("Résumé en une phrase", validators=[DataRequired(REQUIRED), Length(max=200)],
                        description="Par exemple : le bouton « Valider » reste grisé à l'étape des ressources.")
    what_happened = TextAreaField(
        "Ce qui s'est passé", validators=[DataRequired(REQUIRED), Length(max=5000)],
        description="Décrivez les étapes suivies. N'écrivez ni nom, ni numéro de sécurité sociale, "
        "ni coordonnées : ils seraient de toute façon masqués.",
    )
    expected = TextAreaField("Ce qui était attendu", validators=[DataRequired(REQUIRED), Length(max=3000)])
    error_message = TextAreaField("Message d'erreur affiché, copié tel quel",
                                  validators=[Optional(), Length(max=2000)])
    occurred_at = DateTimeLocalField("Date et heure du problème", format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()],
                                     description="Laissez vide si c'est maintenant.")
    citizen_device = SelectField("Appareil de la personne", choices=Device.choices(), default="unknown")
    citizen_browser = SelectField("Navigateur de la personne", choices=Browser.choices(), default="unknown")
    reproducible = SelectField("Le problème se reproduit-il ?", choices=Reproducible.choices(),
                               default="untried")
    workaround_used = TextAreaField("Contournement utilisé, s'il y en a un",
                                    validators=[Optional(), Length(max=3000)])
    citizen_blocked = BooleanField("La personne est bloquée : elle ne peut pas finir sa démarche")
    right_at_risk = BooleanField("Un droit ou un délai est en jeu (prestation, échéance, rendez-vous)")
    people_affected = IntegerField(
        "Nombre de personnes concernées", default=1,
        validators=[DataRequired("Indiquez un nombre entre 1 et 100 000."), PEOPLE],
        description="Les personnes que vous avez vues avec ce problème.",
    )
    on_behalf = BooleanField("Je fais cette remontée pour une personne que j'accompagne")
    consent = BooleanField("La personne accompagnée a donné son accord pour cette remontée")
    citizen_words = TextAreaField(
        "Les mots de la personne (facultatif)", validators=[Optional(), Length(max=3000)],
        description="Ce que la personne a dit ou écrit, sans donnée personnelle.",
    )
    screenshots = MultipleFileField(
        "Captures d'écran",
        description="Jusqu'à 5 images PNG ou JPEG de 5 Mo chacune. Leurs métadonnées (lieu, appareil) "
        "sont supprimées ; cachez les informations personnelles visibles avant de les joindre.",
    )
    uploads = HiddenField()
    # Set on the preview page: the confirmation posted twice (double click, Back then resend) files one report.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])

    processed_screenshots = None

    def validate_consent(self, field):
        if self.on_behalf.data and not field.data:
            raise ValidationError(
                "Cochez cette case seulement si la personne a donné son accord ; sinon, ne la mentionnez pas."
            )

    def validate_screenshots(self, field):
        try:
            self.processed_screenshots = images.process_uploads(field.data)
        except images.ScreenshotError as exc:
            self.processed_screenshots = None
            raise ValidationError(str(exc)) from None

    def values(self, to_utc):
        """The typed values as the services expect them (ids as integers, UTC times)."""
        def as_id(raw):
            return int(raw) if raw and str(raw).isascii() and str(raw).isdigit() and len(str(raw)) <= 9 else None

        return {
            "application_id": as_id(self.application.data),
            "procedure_id": as_id(self.procedure.data),
            "step_id": as_id(self.step.data),
            "screen": self.screen.data or "",
            "page_url": (self.page_url.data or "").strip(),
            "problem_type": self.problem_type.data,
            "title": self.title.data or "",
            "what_happened": self.what_happened.data or "",
            "expected": self.expected.data or "",
            "error_message": self.error_message.data or "",
            "occurred_at": to_utc(self.occurred_at.data) if self.occurred_at.data else None,
            "citizen_device": self.citizen_device.data,
            "citizen_browser": self.citizen_browser.data,
            "reproducible": self.reproducible.data,
            "workaround_used": self.workaround_used.data or "",
            "citizen_blocked": bool(self.citizen_blocked.data),
            "right_at_risk": bool(self.right_at_risk.data),
            "people_affected": self.people_affected.data or 1,
            "on_behalf": bool(self.on_behalf.data),
            "consent": bool(self.consent.data),
            "citizen_words": self.citizen_words.data or "",
            "submission_key": (self.submission_key.data or "").strip() or None,
        }


class MeTooForm(BaseForm):
    people_affected = IntegerField("Personnes concernées", default=1,
                                   validators=[DataRequired("Indiquez un nombre entre 1 et 100 000."), PEOPLE])
    citizen_blocked = BooleanField("La personne est bloquée")


class AgentMessageForm(BaseForm):
    body = TextAreaField("Votre message", validators=[DataRequired(REQUIRED), Length(max=5000)],
                         description="Visible de l'équipe et des agents qui suivent la remontée.")


class EmailPreferenceForm(BaseForm):
    email_opt_in = BooleanField("Recevoir aussi ces notifications par e-mail")


class StatusForm(BaseForm):
    status = SelectField("Nouveau statut", validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(
        "Raison ou question", validators=[Optional(), Length(max=3000)],
        description="Obligatoire pour « Ne sera pas corrigée », « Hors périmètre » (la raison) et "
        "« Informations demandées » (la question posée à l'agent, visible des agents qui suivent).",
    )
    redirect = StringField("Service vers lequel rediriger", validators=[Optional(), Length(max=300)],
                           description="Obligatoire pour « Hors périmètre ».")
    workaround = TextAreaField("Contournement", validators=[Optional(), Length(max=5000)],
                               description="Obligatoire pour « Contournement disponible ».")


class WorkaroundForm(BaseForm):
    workaround_text = TextAreaField("Contournement à publier", validators=[DataRequired(REQUIRED), Length(max=5000)],
                               description="Montré à chaque agent qui a déposé ou rejoint la remontée.")


class CommentForm(BaseForm):
    visibility = SelectField(
        "Visibilité",
        choices=[SelectChoice("public", "Réponse publique : visible des agents qui suivent la remontée"),
                 SelectChoice("internal", "Note interne : visible de l'équipe seulement")],
    )
    body = TextAreaField("Texte", validators=[DataRequired(REQUIRED), Length(max=5000)])


class AssignForm(BaseForm):
    assignee = SelectField("Personne en charge", validate_choice=False)


class TrackerForm(BaseForm):
    tracker_url = StringField("Adresse du ticket", validators=[Optional(), Length(max=500), _http_url])
    tracker_key = StringField("Clé du ticket", validators=[Optional(), Length(max=60)],
                              description="Par exemple : CAF-1234.")


class MergeForm(BaseForm):
    main = StringField(
        "Référence de la remontée principale",
        validators=[DataRequired(REQUIRED),
                    Regexp(r"^\s*[Rr]-\d{4}-\d{6}\s*$", message="Format attendu : R-2026-000042.")],
    )
    confirm = HiddenField()


class TeamTokenForm(BaseForm):
    label = StringField("Libellé du jeton", validators=[Optional(), Length(max=100)],
                        description="Par exemple : synchronisation avec notre outil de tickets.")


class WebhookForm(BaseForm):
    url = StringField("Adresse de réception", validators=[DataRequired(REQUIRED), Length(max=500)],
                      description="Par exemple : https://outils.exemple.gouv.fr/passerelle")
    report_created = BooleanField("Remontée créée", default=True)
    status_changed = BooleanField("Statut modifié", default=True)
    commented = BooleanField("Commentaire ajouté", default=True)
    consultation_answered = BooleanField("Consultation : réponse reçue", default=False)
    consultation_closed = BooleanField("Consultation close", default=False)

    def events(self):
        chosen = [("report.created", self.report_created.data), ("report.status_changed", self.status_changed.data),
                  ("report.commented", self.commented.data),
                  ("consultation.answered", self.consultation_answered.data),
                  ("consultation.closed", self.consultation_closed.data)]
        return [name for name, on in chosen if on]
