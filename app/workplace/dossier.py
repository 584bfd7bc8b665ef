"""The quarterly working-conditions file (« dossier conditions de travail »): PDF + CSV in a zip."""
import io
import zipfile

from app.common.csvutil import csv_lines
from app.workplace import pdf
from app.workplace.enums import CHECKLIST, DiscussionKind
from app.workplace.indicators import barometer_rows
from app.workplace.providers import PROVIDER_LABELS

UNAVAILABLE = "non disponible"


def _value(figure, minimum):
    return f"moins de {minimum}" if figure.value is None else figure.value


def _rate(figure):
    return "" if figure.rate is None else f"{figure.rate:.1f}".replace(".", ",")


def _optional(value, fmt="{}"):
    return UNAVAILABLE if value is None else fmt.format(value)


def sections(ind, discussion, every_row=False):
    """[(heading, intro, rows)]: the same tables in the PDF and the CSV files (every cross-reading row)."""
    m = ind.minimum
    rate_header = "pour 1 000 accompagnements" if ind.accompaniments else "pour 1 000 accompagnements (non disponible)"
    incidents = [["indicateur", "nombre", rate_header], [ind.total.label, _value(ind.total, m), _rate(ind.total)]]
    incidents += [[f"Nature : {f.label}", _value(f, m), _rate(f)] for f in ind.by_kind]
    incidents += [[f"Gravité : {f.label}", _value(f, m), _rate(f)] for f in ind.by_severity]
    incidents.append(["Pris en charge sous 48 h (%)", _optional(ind.within_48h) if ind.within_48h is not None
                      else f"non calculé (moins de {m} incidents)", ""])
    incidents.append([ind.support_given.label, _value(ind.support_given, m), ""])
    site = [["thème", "score moyen (%)"]] + [[label, _optional(ind.checklist_scores.get(theme))]
                                            for theme, (label, _i) in CHECKLIST.items()]
    site.append(["Structures évaluées", ind.assessed])
    site.append(["Actions ouvertes", ind.open_actions])
    cross = [["structure", "mois", "incidents", "accompagnements", "incidents pour 1 000", "attente > 15 min (%)",
              "délai médian de 1re réponse du back-office (heures ouvrées)", "dysfonctionnements remontés", "effectif"]]
    for r in ind.cross if every_row else ind.cross_shown:
        cross.append([r.organisation, r.month, r.incidents, _optional(r.accompaniments),
                      _optional(r.per_thousand), _optional(None if r.waiting_over_15 is None else round(100 * r.waiting_over_15)),
                      _optional(r.support_delay), _optional(r.online_failures),
                      f"faible (moins de {m})" if r.small else ""])
    talk = [["trimestre", "type", "texte"]] + [[i.quarter, DiscussionKind(i.kind).label, i.text] for i in discussion]
    missing = [label for name, label in PROVIDER_LABELS.items() if not ind.available.get(name)]
    return [
        ("Incidents", f"Les nombres de 1 à {m - 1} ne sont pas publiés, ni ceux qui permettraient de les retrouver "
                      "par différence.", incidents),
        ("Poste et lieu d'accueil", None, site),
        ("Baromètre des conditions de travail", f"Notes moyennes de 1 à 5 ; groupes d'au moins {m} répondants.",
         barometer_rows(ind.barometer_trend)),
        ("Lectures croisées", "Incidents rapprochés de l'attente, des délais du back-office et des dysfonctionnements "
                              "remontés, par structure et par mois. Sur de petits effectifs, un écart peut être dû au "
                              "hasard." + (" Non disponible : " + "; ".join(missing) + "." if missing else "")
                              + ("" if every_row or len(ind.cross) == len(ind.cross_shown) else
                                 f" Les {len(ind.cross_shown)} lignes qui comptent le plus d'incidents sur "
                                 f"{len(ind.cross)} ; toutes sont dans lectures-croisees.csv."), cross),
        ("Espace de discussion", None, talk),
    ]


CSV_NAMES = ("incidents.csv", "poste-et-lieu.csv", "barometre.csv", "lectures-croisees.csv", "discussion.csv")


def title(ind):
    return f"Dossier conditions de travail — {ind.scope.label} — {ind.quarter}"


def pdf_bytes(ind, discussion):
    return pdf.dossier(title(ind), sections(ind, discussion))


def zip_bytes(ind, discussion):
    buffer = io.BytesIO()
    parts = sections(ind, discussion, every_row=True)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dossier.pdf", pdf.dossier(title(ind), sections(ind, discussion)))
        for name, (_heading, _intro, rows) in zip(CSV_NAMES, parts, strict=True):
            archive.writestr(name, "".join(csv_lines(rows[0], rows[1:])))
    return buffer.getvalue()
