"""Read side of working conditions for the pages and the API: lists and rows by id."""
from app.extensions import db
from app.workplace.incidents import visible_incidents
from app.workplace.models import fits_id


def listed_incidents(user, limit=None):
    """The incidents `user` may open (see visible_incidents), newest first, at most `limit`."""
    query = visible_incidents(user)
    return db.session.scalars(query.limit(limit) if limit else query).all()


def by_id(model, object_id):
    """The row of `model` with this id, or None (an id out of range names nothing); the caller checks scope."""
    return db.session.get(model, object_id) if fits_id(object_id) else None
