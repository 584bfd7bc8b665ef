"""The agent's paths on their home page, read with the other domains' parts (app.common.home)."""
from functools import lru_cache

from markupsafe import Markup, escape

from app.common.home import HomeContribution
from app.common.html import escape_text
from app.common.urls import kept_url
from app.training import reference
from app.training.progress import STATUS_LABELS, dashboard_from_progress, progress_from_parts, progress_parts


def _paths(rows, user, since):
    catalogue = reference.catalogue()
    paths = dashboard_from_progress(progress_from_parts(rows, catalogue), catalogue)
    for path in paths:
        path.module_items = module_items(path)
        path.card = path_card(path)
    return paths


@lru_cache(maxsize=4096)
def _escaped(text):
    """Module titles and status labels come from the cached catalogue and a fixed list: escaped once each."""
    return str(escape(text))


# The states' labels escaped once.
STATUS_CELLS = {status: escape_text(label) for status, label in STATUS_LABELS.items()}


def module_items(path):
    """The <li> lines of a path's modules on the home page: the same markup the template wrote per module."""
    return Markup("".join([  # noqa: S704  # nosec B704 - the texts escaped, the percent an int
        f"<li>{_escaped(m.module.current_version.title)} — {STATUS_CELLS[m.status]} ({int(m.percent)} %)</li>"
        for m in path.modules
    ]))


# The badge of training/_status.html per module state.
BADGE_KINDS = {"completed": "success", "in_progress": "info", "locked": "warning", "not_started": "new"}


def next_step_url(path):
    """The address of the path's next module (None when there is no next step)."""
    step = path.next_step
    return kept_url("training.module_detail", slug=step.module.slug) if step is not None else None


def path_card(path):
    """The path's card on the agent home (PathState with its module_items), the markup the template wrote per
    path (a card cost about a hundred template calls)."""
    ref, percent, done, total = path.path, int(path.percent), path.completed_count, len(path.modules)
    title, path_id = _escaped(ref.title), int(ref.id)
    due = path.enrolment.due_on
    due = f"Échéance : {due.strftime('%d/%m/%Y')}." if due else ""
    if path.is_overdue:
        late = len(path.overdue_modules)
        late = (f'<span class="pas-overdue">En retard : {late} module{"s" if late > 1 else ""} à terminer.</span>')
    else:
        late = ""
    step = path.next_step
    if step is not None:
        path.next_url = next_step_url(path)
        # (the template's next-step branch ended with its line's end and indent, the « terminé » one did not)
        status = step.status
        step = (f'<p>Prochaine étape : <a href="{escape_text(path.next_url)}">{_escaped(step.version.title)}</a> \n'
                f'<p class="fr-badge fr-badge--sm fr-badge--{BADGE_KINDS[status]}">{STATUS_CELLS[status]}</p></p>\n      ')
    elif path.is_complete:
        step = "<p>Parcours terminé. Bravo !</p>"
    else:
        step = ""
    plural = "s" if done > 1 else ""
    return Markup(  # noqa: S704  # nosec B704 - texts and addresses escaped, numbers ints
        f'\n<section class="fr-card fr-card--no-arrow fr-mb-3w" aria-labelledby="path-{path_id}">'
        f'\n  <div class="fr-card__body"><div class="fr-card__content">'
        f'\n    <h3 class="fr-card__title" id="path-{path_id}"><a href="{escape_text(kept_url("training.path_detail", code=ref.code))}">'
        f'{title}</a></h3>\n    <div class="fr-card__desc">\n      <div class="pas-progress">'
        f'\n  <progress max="100" value="{percent}" aria-label="Progression dans {title}">{percent} %</progress>'
        f'\n  <span class="pas-progress__text">{percent} %</span>\n</div>'
        f'\n      <p class="fr-mt-1w">{int(done)} module{plural} terminé{plural} sur {int(total)}.'
        f"\n      {due}\n      {late}</p>\n      {step}"
        f'\n      <details class="fr-mt-1w"><summary>Détail des modules</summary>\n        <ul>{path.module_items}</ul>'
        "\n      </details>\n    </div>\n  </div></div>\n</section>\n")


def home_contribution():
    """The agent's home: `paths`, the paths they follow with each module's state."""
    return HomeContribution("paths", progress_parts(), _paths)
