"""Read side of working conditions for the pages and the API: lists and rows by id."""
import functools
from dataclasses import dataclass
from typing import NamedTuple

from app.accounts.models import User
from app.common.sql import capped_page, inline_param, run_with_literals
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


class _Reader(NamedTuple):
    """What the list's SQL depends on in a reader: its statement is built once per role and organisation or
    none, with the ids as parameters."""

    role: str
    id: int | None
    organisation_id: int | None


def _named(_value, name):
    return inline_param(name)  # given at execution, still written into the SQL (each organisation its plan)


@functools.cache
def _page_statements(role, in_organisation):
    """(page, count) statements of the list for readers of `role` with an organisation or none, built once
    (building them costs about as much as running them). The page reads the rows and their total counted up to
    :window rows in one round trip (the count is an uncorrelated subquery, run once)."""
    reader = _Reader(role, 0, 0 if in_organisation else None)
    scope = visible_clause(reader, _named)
    count = db.select(db.func.count()).select_from(
        db.select(Incident.id).where(scope).limit(inline_param("window")).subquery())
    page = (
        db.select(Incident.id, Incident.occurred_at, Incident.kind, Incident.severity, Incident.status,
                  Incident.created_at, Incident.taken_at,
                  Incident.reporter_name_shown_to(reader, User.full_name, _named).label("reporter_name"),
                  count.scalar_subquery().label("total"))
        .join(User, User.id == Incident.reporter_id).where(scope)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .limit(inline_param("rows")).offset(inline_param("offset"))
    )
    return page, count


def incidents_page(user, page_arg):
    """One page of the incidents `user` may open, as IncidentRow, newest filed first, and their total counted
    1,000 rows past the page: one query (the capped count is a subquery of the rows' query). Every value is
    written into the SQL: psycopg prepares the statement of an organisation's page, and PostgreSQL keeps its plan."""
    page, count = _page_statements(user.role, user.organisation_id is not None)
    values = {"reporter_id": user.id, "organisation_id": user.organisation_id, "viewer_id": user.id,
              "viewer_organisation_id": user.organisation_id}
    # plain rows on the session's connection: nothing is loaded into the session (the ORM's layer is skipped)
    connection = db.session.connection()

    def read_page(window):
        # the reader and the page repeat: their values written into the SQL once per process (LiteralTexts)
        rows = run_with_literals(
            connection, page, dict(values, window=window.count_limit, rows=window.per_page, offset=window.offset)).all()
        return [IncidentRow(*row[:-1]) for row in rows], rows[0][-1] if rows else None

    def read_count(window):
        return connection.execute(count, dict(values, window=window.count_limit)).scalar()

    return capped_page(page_arg, INCIDENTS_PER_PAGE, 1000, read_page, read_count)


def by_id(model, object_id):
    """The row of `model` with this id, or None (an id out of range names nothing); the caller checks scope."""
    return db.session.get(model, object_id) if fits_id(object_id) else None
