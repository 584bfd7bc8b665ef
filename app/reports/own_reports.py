"""« Vous avez déjà signalé… »: while filing, the agent's own open reports on the same service that look
like the new one come first, before other agents' similar reports."""
import functools

from sqlalchemy import Integer

from app.extensions import db
from app.reports import search
from app.reports.models import Application, Report
from app.reports.rows import SimilarReport, similar_columns
from app.reports.similar import OPEN_VALUES

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
