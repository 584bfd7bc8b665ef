"""The agent's paths on their home page, read with the other domains' parts (app.common.home)."""
from functools import lru_cache

from markupsafe import Markup, escape

from app.common.home import HomeContribution
from app.training import reference
from app.training.progress import dashboard_from_progress, progress_from_parts, progress_parts


def _paths(rows, user, since):
    catalogue = reference.catalogue()
    paths = dashboard_from_progress(progress_from_parts(rows, catalogue), catalogue)
    for path in paths:
        path.module_items = module_items(path)
    return paths


@lru_cache(maxsize=4096)
def _escaped(text):
    """Module titles and status labels come from the cached catalogue and a fixed list: escaped once each."""
    return str(escape(text))


def module_items(path):
    """The <li> lines of a path's modules on the home page: the same markup the template wrote per module."""
    return Markup("".join([  # noqa: S704  # nosec B704 - the texts escaped, the percent an int
        f"<li>{_escaped(m.version.title)} — {_escaped(m.status_label)} ({int(m.percent)} %)</li>" for m in path.modules
    ]))


def home_contribution():
    """The agent's home: `paths`, the paths they follow with each module's state."""
    return HomeContribution("paths", progress_parts(), _paths)
