"""Read side of working conditions for the pages and the API: lists and rows by id."""
from app.common.pagination import paginate
from app.extensions import db
from app.workplace.incidents import visible_incidents
from app.workplace.models import fits_id


def listed_incidents(user, limit=None):
    """The incidents `user` may open (see visible_incidents), newest first, at most `limit`."""
    query = visible_incidents(user)
    return db.session.scalars(query.limit(limit) if limit else query).all()


INCIDENTS_PER_PAGE = 50


def incidents_page(user, page_arg):
    """One page of the incidents `user` may open, newest first (the count stops 1,000 rows past the page)."""
    return paginate(visible_incidents(user, with_report=False), page_arg, per_page=INCIDENTS_PER_PAGE, count_cap=1000)


def by_id(model, object_id):
    """The row of `model` with this id, or None (an id out of range names nothing); the caller checks scope."""
    return db.session.get(model, object_id) if fits_id(object_id) else None
