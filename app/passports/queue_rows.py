"""The rows of the HR validation queue as HTML, built once in Python.

Written by the template, each row went through a dozen attribute look-ups, escapes, a filter and a loop over
its files (about 30 template calls a row). The markup is the template's own (provenance_badge of
passports/_macros.html inline); texts are escaped here as markupsafe escapes them."""
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from app.common.html import escape_text
from app.passports.models import EntrySource

BADGES = {
    True: '<p class="fr-badge fr-badge--sm fr-badge--success">Garantie</p>\n',
    False: '<p class="fr-badge fr-badge--sm fr-badge--info">Déclarée</p>',
}

# The sources' labels escaped once (a row escaped its label).
SOURCE_CELLS = {source.value: escape_text(source.label) for source in EntrySource}


def queue_table_rows(rows, entry_prefix, file_prefix, jinja_env):
    """The <tr> rows of the queue (QueueRows): `entry_prefix` and `file_prefix` the entry page's and the
    evidence file's addresses without their number; descriptions cut as the templates' truncate(240) does
    (with `jinja_env`'s policies)."""
    entry_prefix, file_prefix = escape(entry_prefix), escape(file_prefix)
    # truncate(240) leaves a text of up to 240 + leeway characters as it is: only longer ones go through it
    uncut = 240 + jinja_env.policies["truncate.leeway"]
    parts = []
    for e in rows:
        name, code, description = escape_text(e.holder_name), escape_text(e.competency_code), e.description
        if description:
            if description[uncut:]:  # longer than uncut (a slice rather than a len call per row)
                description = do_truncate(jinja_env, description, 240)
            description = f'<p class="fr-text--sm pas-pre fr-mb-1v">{escape_text(description)}</p>'
        else:
            description = ""
        files = "<br>".join([f'<a class="fr-link fr-text--sm" href="{file_prefix}{int(file_id)}" download>'
                             f"{escape_text(filename)}</a>" for file_id, filename in e.files]) if e.files else ""
        parts.append(
            f"\n  <tr>\n    <td>{name}</td>\n    <td>{code} — {escape_text(e.competency_title)}<br>Niveau {int(e.level)} "
            f'{BADGES[e.provenance == "guaranteed"]}</td>\n    <td>{SOURCE_CELLS[e.source]}</td>'
            f"\n    <td>{e.submitted_on}</td>\n    <td>{description}\n      {files}</td>"
            f'\n    <td><a class="fr-btn fr-btn--sm" href="{entry_prefix}{int(e.id)}">Examiner<span class="fr-sr-only">'
            f" la ligne {code} de {name}</span></a></td>\n  </tr>\n  ")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - texts escaped above; numbers, dd/mm/yyyy dates
