"""The rows of the incident list as HTML, built once in Python.

Written by the template, each of the 50 rows went through Jinja's attribute look-ups, the localtime filter,
the enums' labels and escaping, and the rows cost more than the rest of the page. The markup is the
template's own (texts escaped here with markupsafe)."""
from markupsafe import Markup, escape

from app.common.models import utcnow
from app.common.timezones import as_utc
from app.workplace.enums import IncidentKind, IncidentStatus, Severity

KIND_LABELS = {k.value: str(escape(k.label)) for k in IncidentKind}
SEVERITY_LABELS = {s.value: str(escape(s.label)) for s in Severity}
STATUS_LABELS = {s.value: str(escape(s.label)) for s in IncidentStatus}
LATE_BADGE = ' <span class="fr-badge fr-badge--sm fr-badge--error">En retard</span>'


def incident_table_rows(rows, zone, url_prefix, with_reporter, anonymous_label):
    """The <tr> rows of the list: dates in the time zone `zone` (the viewer's, as the templates' localtime filter
    shows them), `url_prefix` the incident page's address without its number; the reporter's column only when
    `with_reporter`."""
    prefix, anonymous, now = escape(url_prefix), escape(anonymous_label), utcnow()
    parts = []
    for i in rows:
        reporter = f"\n    <td>{escape(i.reporter_name) if i.reporter_name else anonymous}</td>" if with_reporter else ""
        late = LATE_BADGE if i.status == "received" and i.is_late(now) else ""
        # the localtime filter's text (digits: nothing to escape), the zone looked up once for the page
        occurred = as_utc(i.occurred_at).astimezone(zone).strftime("%d/%m/%Y %H:%M") if i.occurred_at else ""
        parts.append(
            f'\n  <tr>\n    <td><a href="{prefix}{i.id}">{i.id}</a></td>'
            f"\n    <td>{occurred}</td><td>{KIND_LABELS[i.kind]}</td>"
            f"<td>{SEVERITY_LABELS[i.severity]}</td>{reporter}"
            f"\n    <td>{STATUS_LABELS[i.status]}{late}</td>\n  </tr>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - texts escaped above; numbers, dates
