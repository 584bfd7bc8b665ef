"""« Vous avez déjà signalé… »: while filing, the agent's own open reports on the same service that look
like the new one come first, before other agents' similar reports."""
import functools

from sqlalchemy import Double, Integer, String

from app.common.sql import inline, inline_param
from app.extensions import db
from app.reports import search
from app.reports.models import Application, Report
from app.reports.rows import SimilarReport, similar_columns
from app.reports.similar import OPEN_VALUES, similar_reports

# The agent's newest open reports on one service that are compared (an agent files a handful at most).
OWN_CANDIDATES = 50


def own_similar_reports(user, application_id, text, limit=3):
    """The user's own open reports on this application whose text shares words with `text`, best first.

    Looser than the similar search (any shared words count): one's own near-duplicate is what matters most.
    """
    words = search.stems(text)
    if getattr(user, "id", None) is None or application_id is None or not words:
        return []
    candidates = db.session.execute(
        _own_candidates(), {"author_id": user.id, "application_id": int(application_id)}).all()
    best = search.rank(candidates, words, limit, min_score=0)
    return [SimilarReport(*row[:_SHOWN]) for row in best]


_SHOWN = len(similar_columns())


@functools.cache
def _own_candidates():
    """The author's newest open reports on one application (parameters author_id, application_id), with the
    columns shown, people_total and search_text for the ranking. Built once: building it cost more than running it."""
    return (
        db.select(*similar_columns(), Report.people_total, Report.search_text)
        .join(Application, Application.id == Report.application_id)
        .where(Report.author_id == db.bindparam("author_id", type_=Integer),
               Report.application_id == db.bindparam("application_id", type_=Integer),
               Report.status.in_(OPEN_VALUES))
        .order_by(Report.id.desc()).limit(OWN_CANDIDATES)
    )


def own_and_similar_reports(user, application_id, text, limit=5, own_limit=3):
    """(own, similar): own_similar_reports(user, application_id, text, own_limit), then similar_reports of the
    others (limit), the own ones shown excluded from them; in one query on PostgreSQL, which ranks both."""
    words = search.stems(text)
    if application_id is None or not words:
        return [], []
    if getattr(user, "id", None) is None or not search.ranks_in_sql():
        own = own_similar_reports(user, application_id, text, own_limit)
        return own, similar_reports(application_id, text, limit, exclude_ids=[r.id for r in own])
    values = dict(search.ranking_values(words, limit), author_id=int(user.id), application_id=int(application_id),
                  open_statuses=OPEN_VALUES, own_limit=int(own_limit))
    own, similar = [], []
    for row in db.session.execute(_own_and_similar_statement(), values):
        (own if row.is_own else similar).append(SimilarReport(*row[:_SHOWN]))
    return own, similar


@functools.cache
def _own_and_similar_statement():
    """PostgreSQL: own_and_similar_reports' query (parameters: search.ranking_values', author_id, application_id,
    open_statuses, own_limit). The own reports are ranked as `rank` ranks them (search.best_select, at any score
    above 0), kept in a CTE that the similar search's candidates leave out; own rows first, each part best first."""
    application_id = inline_param("application_id")
    open_statuses = Report.status.in_(inline_param("open_statuses", String, expanding=True))
    own_candidates = (
        db.select(Report.id, Report.people_total, search.search_vector(Report).label("search_vector"))
        .where(Report.author_id == inline_param("author_id"), Report.application_id == application_id, open_statuses)
        .order_by(Report.id.desc()).limit(inline(OWN_CANDIDATES, "own_candidates"))
    )
    own = search.best_select(own_candidates, min_score=db.cast(inline(0.0, "own_min_score"), Double),
                             limit=inline_param("own_limit")).cte("own_best")
    candidates = (
        db.select(Report.id, Report.people_total, search.search_vector(Report).label("search_vector"))
        .where(Report.application_id == application_id, open_statuses, search.match_any(Report),
               Report.id.not_in(db.select(own.c.id)))
        .order_by(Report.id.desc())
        .limit(inline(search.CANDIDATES, "candidates"))
    )
    best = search.best_candidates(candidates)
    # The two rankings first, then the columns shown, joined once (fewer joins for PostgreSQL to plan: the
    # statement's words are in its text, so it is planned on each search).
    ranked = db.union_all(db.select(own.c.id, own.c.people_total, own.c.score, db.true().label("is_own")),
                          db.select(best.c.id, best.c.people_total, best.c.score, db.false().label("is_own"))
                          ).subquery("ranked")
    return (
        db.select(*similar_columns(), ranked.c.is_own)
        .join(Application, Application.id == Report.application_id)
        .join(ranked, ranked.c.id == Report.id)
        .order_by(ranked.c.is_own.desc(), ranked.c.score.desc(), ranked.c.people_total.desc(), ranked.c.id.desc())
    )
