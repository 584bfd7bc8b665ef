"""CSV export of the board: UTF-8 with BOM (opens as is in spreadsheet software), `;` separated,
and cells that a spreadsheet would run as a formula are neutralised."""
import csv
import io

from app.common.timezones import to_local

COLUMNS = [
    ("Référence", lambda r: r.reference),
    ("Déposée le", lambda r: _date(r.created_at)),
    ("Service", lambda r: r.application.name),
    ("Démarche", lambda r: r.procedure.title if r.procedure else ""),
    ("Étape ou écran", lambda r: r.step.title if r.step else r.screen),
    ("Type", lambda r: r.problem_type_label),
    ("Statut", lambda r: r.status_label),
    ("Titre", lambda r: r.title),
    ("Personnes concernées", lambda r: r.people_total),
    ("Usagers bloqués", lambda r: r.blocked_total),
    ("Droit ou délai en jeu", lambda r: "oui" if r.right_at_risk else "non"),
    ("Moi aussi", lambda r: r.me_too_count),
    ("Structure (type)", lambda r: r.organisation.kind_label if r.organisation else ""),
    ("Département", lambda r: (r.organisation.department or "") if r.organisation else ""),
    ("Accusé de réception avant", lambda r: _date(r.acknowledge_due_at)),
    ("Réponse avant", lambda r: _date(r.answer_due_at)),
    ("En retard", lambda r: "oui" if r.is_overdue else "non"),
    ("Ticket", lambda r: r.tracker_key),
    ("Adresse du ticket", lambda r: r.tracker_url),
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _date(value):
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def neutralise(value):
    """A cell value that spreadsheet software shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def reports_csv(reports):
    """The reports as CSV bytes (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for report in reports:
        writer.writerow([neutralise(get(report)) for _, get in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
