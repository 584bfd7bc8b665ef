"""HR import of a site's desk-log history from CSV: preview, then all rows or none."""
import csv
import io
from dataclasses import dataclass, field

from app.reception import services
from app.reception.enums import OPERATORS, Channel, Duration, Need, Outcome, Waiting

MAX_ROWS = 20_000
HEADERS = {
    "date": "visited_on", "canal": "channel", "operateurs": "operators", "opérateurs": "operators",
    "issue": "outcome", "duree": "duration", "durée": "duration", "attente": "waiting", "besoins": "needs",
    "demarche": "procedure_id", "démarche": "procedure_id",
}
COLUMN_NAMES = {"visited_on": "date", "channel": "canal", "operators": "operateurs", "outcome": "issue",
                "duration": "duree"}
REQUIRED = ("visited_on", "channel", "operators", "outcome", "duration")
# Values may be written as the code ("phone") or the French label ("Téléphone"), any case.
_BY_LABEL = {
    name: {m.label.lower(): m.value for m in enum} | {m.value.lower(): m.value for m in enum}
    for name, enum in (("channel", Channel), ("outcome", Outcome), ("duration", Duration), ("waiting", Waiting),
                       ("needs", Need))
}
_BY_LABEL["operators"] = {k.label.lower(): k.value for k in OPERATORS} | {k.value: k.value for k in OPERATORS}


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)      # [(line, VisitValues)]
    errors: list = field(default_factory=list)    # French messages

    @property
    def is_valid(self):
        return not self.errors and bool(self.rows)


def _translate(name, value):
    value = (value or "").strip()
    table = _BY_LABEL.get(name)
    if table is None or not value:
        return value
    if name in ("operators", "needs"):
        parts = [p.strip() for p in value.replace("|", ",").replace("+", ",").split(",") if p.strip()]
        return [table.get(p.lower(), p) for p in parts]
    return table.get(value.lower(), value)


def preview_visits_csv(text, today=None):
    """Check every line; nothing is written."""
    preview = ImportPreview()
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        preview.errors.append("Le fichier est vide.")
        return preview
    columns = [HEADERS.get(h.strip().lower()) for h in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        preview.errors.append("Colonnes manquantes : " + ", ".join(COLUMN_NAMES[m] for m in missing) + ".")
        return preview
    procedures = services._active_procedure_ids()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(preview.rows) + len(preview.errors) >= MAX_ROWS:
            preview.errors.append(f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le.")
            break
        data = {name: _translate(name, cell) for name, cell in zip(columns, cells, strict=False) if name}
        try:
            preview.rows.append((line, services.clean_visit(data, today, procedures)))
        except services.ReceptionError as exc:
            preview.errors.append(f"Ligne {line} : {exc}")
    if not preview.rows and not preview.errors:
        preview.errors.append("Le fichier ne contient aucune ligne.")
    return preview


def import_visits_csv(actor, text):
    """Record every line of the file for the HR user's organisation, or none if one is wrong."""
    preview = preview_visits_csv(text)
    if preview.is_valid:
        services.record_visits(actor, actor.organisation, [values for _line, values in preview.rows],
                               action="visit.import")
    return preview


