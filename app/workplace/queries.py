"""Read side of working conditions for the pages and the API: lists and rows by id."""
from dataclasses import dataclass

from app.accounts.models import User
from app.common.sql import capped_page, inline
from app.extensions import db
from app.workplace.incidents import visible_clause, visible_incidents
from app.workplace.models import Incident, IncidentState, fits_id


def listed_incidents(user, limit=None):
    """The incidents `user` may open (see visible_incidents), newest first, at most `limit`."""
    query = visible_incidents(user)
    return db.session.scalars(query.limit(limit) if limit else query).all()


INCIDENTS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class IncidentRow(IncidentState):
    """A row of the incident list: the columns it shows, not a loaded incident."""

    id: int
    occurred_at: object
    kind: str
    severity: str
    status: str
    created_at: object
    taken_at: object
    # The victim's name where the reader may see it (Incident.reporter_name_shown_to), else None.
    reporter_name: str | None


def incidents_page(user, page_arg):
    """One page of the incidents `user` may open, as IncidentRow, newest filed first, and their total counted
    1,000 rows past the page: one query (the capped count is a subquery of the rows' query). Every value is
    written into the SQL: psycopg prepares the statement of an organisation's page, and PostgreSQL keeps its plan."""
    scope = visible_clause(user)
    counted = db.select(Incident.id).where(scope)

    def total(window):
        return db.select(db.func.count()).select_from(counted.limit(inline(window.count_limit, "window")).subquery())

    def read_page(window):
        rows = db.session.execute(
            db.select(Incident.id, Incident.occurred_at, Incident.kind, Incident.severity, Incident.status,
                      Incident.created_at, Incident.taken_at,
                      Incident.reporter_name_shown_to(user, User.full_name),
                      total(window).scalar_subquery())
            .join(User, User.id == Incident.reporter_id).where(scope)
            .order_by(Incident.created_at.desc(), Incident.id.desc())
            .limit(inline(window.per_page, "rows")).offset(inline(window.offset, "offset"))
        ).all()
        return [IncidentRow(*row[:-1]) for row in rows], rows[0][-1] if rows else None

    return capped_page(page_arg, INCIDENTS_PER_PAGE, 1000, read_page, lambda window: db.session.scalar(total(window)))


def by_id(model, object_id):
    """The row of `model` with this id, or None (an id out of range names nothing); the caller checks scope."""
    return db.session.get(model, object_id) if fits_id(object_id) else None
