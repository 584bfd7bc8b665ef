"""Similar reports: open reports on the same application whose words are close (ranked by the database on
PostgreSQL, in Python on SQLite)."""
from functools import lru_cache

from sqlalchemy import String

from app.common.sql import inline, inline_param
from app.extensions import db
from app.reports import search
from app.reports.models import Application, Report
from app.reports.rows import SimilarReport, similar_columns
from app.reports.workflow import OPEN

OPEN_VALUES = sorted(s.value for s in OPEN)


def similar_reports(application, text, limit=5, exclude_ids=()):
    """Open reports on this application (an Application, or only its id) whose text is close to this one.

    Returns SimilarReport rows, best first. Given an id, the application is not loaded: an unknown id
    simply has no reports.
    """
    application_id = getattr(application, "id", application)
    words = search.stems(text)
    if application_id is None or not words:
        return []
    excluded = sorted(int(i) for i in exclude_ids)
    if search.ranks_in_sql():
        # One query: the candidates, their ranking and the columns shown; only the rows shown leave
        # the database. Built once; its values are written into the SQL when it runs (app.common.sql.inline_param).
        values = dict(search.ranking_values(words, limit), application_id=int(application_id),
                      open_statuses=OPEN_VALUES, excluded_ids=excluded)
        return [SimilarReport(*row) for row in db.session.execute(_similar_statement(bool(excluded)), values)]
    candidates = (
        _similar_candidates(Report.search_text, excluded)
        .where(Report.application_id == application_id, search.match_clause(Report, words, mode="any"))
    )
    ids = [row.id for row in search.rank(db.session.execute(candidates).all(), words, limit)]
    if not ids:
        return []
    shown = db.select(*similar_columns()).join(Application, Application.id == Report.application_id)
    by_id = {row.id: row for row in db.session.execute(shown.where(Report.id.in_(ids)))}
    return [SimilarReport(*by_id[i]) for i in ids if i in by_id]


def _similar_candidates(text_column, excluded):
    """The newest open reports (id, people_total and their stems), before the application and word filters."""
    query = (
        db.select(Report.id, Report.people_total, text_column)
        .where(Report.status.in_(OPEN_VALUES))
        .order_by(Report.id.desc())
        .limit(search.CANDIDATES)
    )
    return query.where(Report.id.not_in(excluded)) if excluded else query


@lru_cache(maxsize=2)
def _similar_statement(excluding):
    """PostgreSQL: the similar-report search, with or without excluded ids (parameters: see similar_reports)."""
    candidates = (
        db.select(Report.id, Report.people_total, search.search_vector(Report).label("search_vector"))
        .where(
            Report.application_id == inline_param("application_id"),
            Report.status.in_(inline_param("open_statuses", String, expanding=True)),
            search.match_any(Report),
        )
        .order_by(Report.id.desc())
        .limit(inline(search.CANDIDATES, "candidates"))
    )
    if excluding:
        candidates = candidates.where(
            Report.id.not_in(inline_param("excluded_ids", expanding=True)))
    best = search.best_candidates(candidates)
    return (
        db.select(*similar_columns())
        .join(Application, Application.id == Report.application_id)
        .join(best, best.c.id == Report.id)
        .order_by(*search.best_order(best))
    )
