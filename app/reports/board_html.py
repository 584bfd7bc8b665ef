"""The triage board's forms as HTML written once per process: its filter selects and the bulk form's fields.

Rendered per request, the selects' options (a Jinja macro looping over every status, type and service) and
the bulk form (WTForms building and rendering three selects) cost more than the page's rows. Their markup
depends only on the values given here, so it is written once for each (the cache keys hold every value
shown: a renamed service or label is a new key, never a stale page)."""
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from app.common.forms import option_tags
from app.reports.triage_forms import BulkForm


def filter_select(name, label, options, current, empty=None):
    """A filter's labelled <select> (Markup) of `options`, a tuple of (value, text), `current` selected; an
    empty first option reading `empty` when given."""
    if not any(value == current for value, _text in options):
        current = None  # selects nothing, as any other value not listed: one cached markup for all of them
    return _filter_select(name, label, options, current, empty)


@lru_cache(maxsize=1024)
def _filter_select(name, label, options, current, empty):
    name = escape(name)
    first = f'<option value="">{escape(empty)}</option>' if empty else ""
    listed = option_tags(options, current)
    return Markup(  # noqa: S704  # nosec B704 - every text escaped above
        f'<div class="fr-select-group">\n  <label class="fr-label" for="f-{name}">{escape(label)}</label>\n'
        f'  <select class="fr-select" id="f-{name}" name="{name}">\n    {first}\n    {listed}\n  </select>\n</div>')


class BulkFields(NamedTuple):
    """The bulk form's fields as the board shows them: labels (text) and inputs (Markup)."""

    action_label: str
    action: Markup
    assignee_label: str
    assignee: Markup
    label_label: str
    label: Markup
    main_label: str
    main_hint: str
    main: Markup


@lru_cache(maxsize=256)
def bulk_fields(members, labels):
    """The bulk form's fields for a team's active triagers `members` (MemberRow) and `labels` (LabelRow), rendered
    by WTForms once per such pair."""
    form = BulkForm(formdata=None, meta={"csrf": False})
    form.assignee.choices = [SelectChoice("", "Personne")] + [SelectChoice(str(u.id), u.full_name) for u in members]
    form.label.choices = [SelectChoice("", "— Choisissez —")] + [
        SelectChoice(str(label.id), label.name) for label in labels]
    return BulkFields(
        form.action.label.text, form.action(class_="fr-select", id="bulk-action"),
        form.assignee.label.text, form.assignee(class_="fr-select", id="bulk-assignee"),
        form.label.label.text, form.label(class_="fr-select", id="bulk-label"),
        form.main.label.text, form.main.description,
        form.main(class_="fr-input", id="bulk-main", **{"aria-describedby": "bulk-main-hint"}),
    )
