"""The rows of « Mes saisies » (the agent's desk log) as HTML, built once in Python.

Written by the template, each of the 50 rows went through Jinja's attribute look-ups and five escapes, and
the rows cost more than the rest of the page (see app.workplace.incident_rows). The markup is the
template's own; every text is escaped here with markupsafe."""
from functools import lru_cache

from markupsafe import Markup, escape


@lru_cache(maxsize=1024)
def _escaped(text):
    """Days, labels and operator lists repeat from row to row: each escaped once."""
    return str(escape(text))


def own_visit_rows(visits, edit_url):
    """The <tr> rows of `visits` (queries.OwnVisitLine); `edit_url(id)` is the correction page's address."""
    parts = []
    for v in visits:
        day = _escaped(v.day)
        action = (f'<a href="{escape(edit_url(v.id))}">Corriger<span class="fr-sr-only"> la saisie du {day}</span></a>'
                  if v.editable else "—")
        parts.append(f"<tr>\n    <td>{day}</td><td>{_escaped(v.channel)}</td>\n"
                     f"    <td>{_escaped(v.operators)}</td><td>{_escaped(v.outcome)}</td>\n"
                     f"    <td>{action}</td>\n  </tr>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every text escaped above
