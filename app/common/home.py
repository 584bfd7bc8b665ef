"""The home pages read what the domains contribute in one query.

A domain registers, for a page, a contribution: named parts (statements of small typed rows, see
app.common.sql.PartsUnion) and how to turn their rows into what the page shows. The page's view asks
`read_home` once; the parts of every domain are read together in one UNION ALL. The site imports no
domain, and no domain imports the site: the domain that shows something owns the SQL that reads it.

Every part may use the bind parameter :user_id (the signed-in user); a contribution adds its own
parameters (prefixed by its name, so that two domains never share one by accident).
"""
from collections.abc import Callable
from dataclasses import dataclass

from app.common.sql import PartsUnion

# page -> {contribution name: HomeContribution}, registered at start-up by each domain's init_app.
_CONTRIBUTIONS = {}
_UNIONS = {}


@dataclass(frozen=True)
class HomeContribution:
    """What one domain shows on a home page: `name` is the template's variable, set to
    `build(rows, user, since)` where `rows` are {part name: rows} of `parts`; `params(user, since)` gives
    the values of the contribution's own bind parameters."""

    name: str
    parts: tuple
    build: Callable
    params: Callable | None = None


def register_home_contribution(page, contribution):
    """A domain adds what it shows on `page` (e.g. "agent"); registering again replaces it."""
    _CONTRIBUTIONS.setdefault(page, {})[contribution.name] = contribution
    _UNIONS.pop(page, None)


def _union(page):
    union = _UNIONS.get(page)
    if union is None:
        parts = [part for contribution in _CONTRIBUTIONS.get(page, {}).values() for part in contribution.parts]
        union = _UNIONS[page] = PartsUnion(parts, textual=True) if parts else None
    return union


def read_home(page, user, since=None):
    """{contribution name: what it shows} for this user, every domain's parts read in one query.

    `since` is when the user last opened the page before this session (None on a first visit)."""
    contributions = _CONTRIBUTIONS.get(page, {})
    union = _union(page)
    if union is None:
        return {}
    params = {"user_id": user.id}
    for contribution in contributions.values():
        if contribution.params:
            params.update(contribution.params(user, since))
    rows = union.read(params)
    return {name: contribution.build(rows, user, since) for name, contribution in contributions.items()}
