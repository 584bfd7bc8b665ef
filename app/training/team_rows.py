"""The rows of the HR follow-up table as HTML, built once in Python.

Written by the template, each of the 50 rows went through a dozen attribute look-ups, escapes and tests
(about 60 template calls a row, more than the rest of the page). The markup is the template's own, the bar
of training/_status.html inline; texts are escaped here as markupsafe escapes them, each once per row."""
from markupsafe import Markup, escape

from app.common.html import escape_text


def _progress(percent, name, title, done, total):
    return (f'<div class="pas-progress">\n  <progress max="100" value="{percent}" aria-label="Avancement de {name}'
            f' dans {title}">{percent} %</progress>\n  <span class="pas-progress__text">{percent} %</span>\n'
            f'</div><span class="fr-text--xs">{done}/{total} modules</span>')


def team_table_rows(rows, overdue, agent_prefix, assign_prefix):
    """The <tr> rows of the follow-up table (TeamRows): `overdue` as overdue_modules gives it, `agent_prefix`
    the agent page's address without its number, `assign_prefix` the assignment page's with "?agent=" ."""
    agent_prefix, assign_prefix = escape(agent_prefix), escape(assign_prefix)
    parts = []
    for r in rows:
        user, path = r.user, r.path
        user_id, name = int(user.id), escape_text(user.full_name)
        if path is None:
            path_cell = (f'<span class="pas-muted">Aucun parcours</span> <a href="{assign_prefix}{user_id}">affecter'
                         f'<span class="fr-sr-only"> un parcours à {name}</span></a>')
            progress = ""
        else:
            path_cell = escape_text(path.title)
            progress = _progress(int(r.percent), name, path_cell, int(r.done), int(r.total))
        if r.is_overdue:
            titles = ", ".join([escape_text(title) for title in overdue.get((user.id, path.id), [])])
            late = f'<span class="pas-overdue">En retard :</span> {titles}'
        else:
            late = "—"
        parts.append(
            f'\n  <tr>\n    <td><a href="{agent_prefix}{user_id}">{name}</a><br><span class="fr-text--xs">'
            f"{escape_text(user.email)}</span></td>\n    <td>{path_cell}</td>\n    <td>{progress}</td>"
            f"\n    <td>{escape_text(r.due_text) or '—'}</td>\n    <td>{late}</td>\n  </tr>\n  ")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - texts escaped above, the rest are numbers
