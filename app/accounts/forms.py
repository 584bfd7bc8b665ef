"""Account forms: one WTForms class per form."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from app.accounts.models import OrgKind, Role
from app.common.forms import BaseForm

REQUIRED = "Ce champ est obligatoire."
EMAIL = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."


class LoginForm(BaseForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])
    next = HiddenField()


class PasswordResetRequestForm(BaseForm):
    email = EmailField(
        "Adresse e-mail", validators=[DataRequired(REQUIRED), Email(EMAIL, check_deliverability=False)]
    )


class NewPasswordForm(BaseForm):
    password = PasswordField(
        "Nouveau mot de passe",
        description="Au moins 12 caractères. Une phrase de passe est bienvenue.",
        validators=[DataRequired(REQUIRED)],
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("password", "Les deux saisies diffèrent.")],
    )


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])


class EmailChangeForm(BaseForm):
    email = EmailField(
        "Nouvelle adresse e-mail",
        validators=[DataRequired(REQUIRED), Email(EMAIL, check_deliverability=False)],
    )
    password = PasswordField(
        "Mot de passe", description="Pour confirmer que c'est bien vous.",
        validators=[DataRequired(REQUIRED)],
    )


class UserCreateForm(BaseForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[DataRequired(REQUIRED), Email(EMAIL, check_deliverability=False)],
    )
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField("Rôle", choices=Role.choices())
    organisation = SelectField("Structure", choices=[], validate_choice=False)
    team = SelectField("Équipe logicielle", choices=[], validate_choice=False)


class AgentCreateForm(BaseForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[DataRequired(REQUIRED), Email(EMAIL, check_deliverability=False)],
    )
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200)])


class UserPlacementForm(BaseForm):
    role = SelectField("Rôle", choices=Role.choices())
    organisation = SelectField("Structure", choices=[], validate_choice=False)
    team = SelectField("Équipe logicielle", choices=[], validate_choice=False)


class ConfirmForm(BaseForm):
    """A form with only its CSRF token, for actions behind a confirmation button."""


class OrganisationForm(BaseForm):
    code = StringField(
        "Code",
        description="Lettres majuscules, chiffres et tirets, par exemple FS-LYON-3.",
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9-]+$", message="Lettres, chiffres et tirets seulement."),
        ],
    )
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Type de structure", choices=OrgKind.choices())
    department = StringField(
        "Département",
        description="Code du département, par exemple 69, 2A ou 974.",
        validators=[
            Optional(),
            Regexp(r"^(\d{2,3}|2[AB])$", message="Code de département invalide."),
        ],
    )
    siret = StringField(
        "SIRET",
        description="14 chiffres. Les agents qui se connectent avec ProConnect sous ce SIRET "
        "rejoignent cette structure.",
        validators=[
            Optional(),
            Regexp(r"^\s*(\d\s*){14}$", message="Le SIRET doit comporter 14 chiffres."),
        ],
    )
    is_private = BooleanField("Structure privée (délégataire)")


class TeamForm(BaseForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9-]+$", message="Lettres, chiffres et tirets seulement."),
        ],
    )
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=200)])


class CsvUploadForm(BaseForm):
    file = FileField(
        "Fichier CSV",
        description="Colonnes « email » et « nom », séparées par des virgules ou des points-virgules.",
        validators=[FileRequired(REQUIRED), FileAllowed(["csv", "txt"], "Choisissez un fichier .csv.")],
    )


class CsvApplyForm(BaseForm):
    content = HiddenField(validators=[DataRequired()])


class TwoFactorCodeForm(BaseForm):
    code = StringField(
        "Code à 6 chiffres",
        description="Le code affiché par votre application d'authentification, ou un code de secours.",
        validators=[DataRequired(REQUIRED), Length(max=20)],
    )


class TwoFactorDisableForm(BaseForm):
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])


class EraseAccountForm(BaseForm):
    confirmation = StringField(
        "Pour confirmer, tapez EFFACER",
        validators=[DataRequired(REQUIRED), Regexp(r"^\s*EFFACER\s*$", message="Tapez EFFACER en majuscules.")],
    )
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])
