"""HR import of agents from a CSV file: preview, then apply all rows or none."""
import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from app.accounts.models import Role, User, find_user_by_email, normalise_email
from app.accounts.services import new_user, queue_activation, tell_holder_of_existing_address
from app.audit.services import audit
from app.extensions import db
from app.notifications.services import deliver_inline

EMAIL_HEADERS = {"email", "e-mail", "courriel", "adresse e-mail", "mail"}
NAME_HEADERS = {"nom", "nom complet", "full_name", "name", "prénom nom", "nom et prénom"}
MAX_ROWS = 2000


@dataclass
class ImportRow:
    line: int
    email: str
    full_name: str
    errors: list = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list
    errors: list  # file-level and row-level messages, in French

    @property
    def is_valid(self):
        return not self.errors and bool(self.rows)


def _read(text):
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def preview_agents_csv(text, organisation=None):
    """Parse and check a CSV of agents (columns: email, nom); nothing is written.

    An address with an account outside the organisation is not flagged (HR must not learn who has an
    account elsewhere): at apply time its holder is told by e-mail instead.
    """
    errors = []
    try:
        records = [r for r in _read(text) if any(cell.strip() for cell in r)]
    except csv.Error:
        return ImportPreview([], ["Le fichier CSV est mal formé : vérifiez les guillemets et les séparateurs."])
    if not records:
        return ImportPreview([], ["Le fichier est vide."])
    header = [cell.strip().lower() for cell in records[0]]
    try:
        email_col = next(i for i, h in enumerate(header) if h in EMAIL_HEADERS)
        name_col = next(i for i, h in enumerate(header) if h in NAME_HEADERS)
    except StopIteration:
        return ImportPreview(
            [], ["La première ligne doit nommer les colonnes « email » et « nom »."]
        )
    if len(records) - 1 > MAX_ROWS:
        return ImportPreview([], [f"Le fichier dépasse {MAX_ROWS} lignes."])
    rows, seen = [], {}
    for line, record in enumerate(records[1:], start=2):
        cells = record + [""] * (max(email_col, name_col) + 1 - len(record))
        row = ImportRow(line, normalise_email(cells[email_col]), cells[name_col].strip())
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            row.errors.append(f"adresse e-mail invalide « {row.email} »")
        if not row.full_name:
            row.errors.append("le nom est vide")
        elif len(row.full_name) > 200:
            row.errors.append("le nom dépasse 200 caractères")
        if row.email in seen:
            row.errors.append(f"adresse déjà présente ligne {seen[row.email]}")
        seen.setdefault(row.email, line)
        rows.append(row)
    own_agents = set()
    if organisation is not None:
        own_agents = set(db.session.scalars(db.select(User.email).where(
            User.email.in_(list(seen)), User.organisation_id == organisation.id, User.role == Role.AGENT)))
    for row in rows:
        if row.email in own_agents:
            row.errors.append("cet agent a déjà un compte dans votre structure")
        errors.extend(f"Ligne {row.line} : {message}." for message in row.errors)
    return ImportPreview(rows, errors)


def import_agents_csv(actor, organisation, text):
    """Create every agent of the file, or none if any row is invalid. Returns the preview."""
    result = preview_agents_csv(text, organisation)
    if not result.is_valid:
        return result
    for row in result.rows:
        existing = find_user_by_email(row.email)
        if existing is not None:
            tell_holder_of_existing_address(actor, existing, organisation)
            continue
        user = new_user(row.email, row.full_name, Role.AGENT, organisation, None, None)
        queue_activation(user)
    audit(actor, "user.import", organisation, {"count": len(result.rows)})
    db.session.commit()
    deliver_inline()
    return result
