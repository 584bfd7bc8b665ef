"""The agent's paths on their home page, read with the other domains' parts (app.common.home)."""
from app.common.home import HomeContribution
from app.training import reference
from app.training.progress import dashboard_from_progress, progress_from_parts, progress_parts


def _paths(rows, user, since):
    catalogue = reference.catalogue()
    return dashboard_from_progress(progress_from_parts(rows, catalogue), catalogue)


def home_contribution():
    """The agent's home: `paths`, the paths they follow with each module's state."""
    return HomeContribution("paths", progress_parts(), _paths)
