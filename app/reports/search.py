"""Full-text search of reports with French stemming, identical on SQLite and PostgreSQL.

Texts are normalised in Python (lower case, Snowball French stem, accents removed, stop
words dropped) into `reports.search_text`. The database only finds candidates containing
the stems: an FTS5 table on SQLite; on PostgreSQL, `reports.search_vector`, a stored generated
column `to_tsvector('simple', search_text)` with a GIN index (stored, so that a scan in id order
does not parse every text again; it is left out of the model: SQLite has no such column).
Candidates are then ranked in Python, so both databases give the same answer.
"""
import math
import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from sqlalchemy import event, text

from app.extensions import db

FTS_TABLE = "report_search"
# The SQL names the FTS5 table literally (created by the reports migration).
DELETE_SQL = "DELETE FROM report_search WHERE rowid = :id"
INSERT_SQL = "INSERT INTO report_search (rowid, search_text) VALUES (:id, :value)"
MATCH_SQL = "SELECT rowid FROM report_search WHERE report_search MATCH :q"
MARKER = re.compile(r"\[[^\]]{1,40}masqu[ée]+\]")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words too common in reports to tell two problems apart (French stop words, and words that
# every report uses). Compared after accents are removed.
STOP_WORDS = frozenset(
    """
    a ai aie au aux avec c ca ce ces cet cette d dans de des du elle en et eu il ils j je l la le
    les leur lui m ma mais me meme mes moi mon n ne ni nos notre nous on ou par pas pour qu que qui
    s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y est etait ete sera
    etre avoir fait faire plus tres tout tous toute toutes aussi alors donc comme quand sans sous
    apres avant lors entre deja encore puis bien peut peuvent doit
    usager usagere usagers personne personnes agent madame monsieur mme mr probleme problemes
    """.split()
)
ASCII_WORD = re.compile(r"^[a-z0-9]+$")
# Cosine similarity of the two stem sets, and at least two shared stems.
MIN_SCORE = 0.2
MIN_SHARED = 2
CANDIDATES = 300


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("french")


def strip_accents(value):
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("œ", "oe").replace("æ", "ae")


def stems(value):
    """The normalised stems of a text, in order (masking markers ignored)."""
    value = MARKER.sub(" ", (value or "").lower().replace("’", "'"))
    words = WORD.findall(value)
    result = []
    stemmer = _stemmer()
    for word in words:
        plain = strip_accents(word)
        if len(plain) < 2 or plain in STOP_WORDS or plain.isdigit():
            continue
        stem = strip_accents(stemmer.stemWord(word))
        # Only [a-z0-9] reaches the index: both databases then split words the same way.
        if ASCII_WORD.match(stem) and stem not in STOP_WORDS:
            result.append(stem)
    return result


def normalise(*texts):
    """The value stored in search_text for these texts."""
    return " ".join(s for t in texts for s in stems(t))


def report_search_text(report):
    return normalise(report.title, report.what_happened, report.expected, report.error_message)


# --- the index -------------------------------------------------------------------------------


def _is_sqlite(connection):
    return connection.dialect.name == "sqlite"


def _write_index(connection, report_id, value):
    connection.execute(text(DELETE_SQL), {"id": report_id})
    if value is not None:
        connection.execute(text(INSERT_SQL), {"id": report_id, "value": value})


def register_index_events(report_model):
    """Keep the SQLite FTS5 table in step with reports, whatever path writes them."""

    @event.listens_for(report_model, "after_insert")
    @event.listens_for(report_model, "after_update")
    def _index(mapper, connection, target):
        if _is_sqlite(connection):
            _write_index(connection, target.id, target.search_text or "")

    @event.listens_for(report_model, "after_delete")
    def _unindex(mapper, connection, target):
        if _is_sqlite(connection):
            _write_index(connection, target.id, None)


def inline(value, name="value"):
    """A value written into the SQL text instead of sent as a parameter (quoted by SQLAlchemy).

    psycopg prepares a statement run a few times, and PostgreSQL then settles on a generic plan
    that ignores the values: for the search, it reads every report matching a common word through
    the GIN index (tens of milliseconds) instead of walking the newest reports (one or two).
    """
    return db.bindparam(name, value, literal_execute=True, unique=True, expanding=isinstance(value, list | tuple))


def match_clause(report_model, words, mode="any"):
    """SQL condition: the report's stems contain any (or all) of these normalised words."""
    words = sorted(set(words))
    if not words:
        return None
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        query = (" | " if mode == "any" else " & ").join(words)
        vector = db.literal_column(f"{report_model.__tablename__}.search_vector")
        # In the SQL text (see inline): the planner then knows how common the words are.
        return vector.op("@@")(db.func.to_tsquery(inline("simple", "search_config"), inline(query, "search_query")))
    query = (" OR " if mode == "any" else " AND ").join(f'"{w}"' for w in words)
    matching = text(MATCH_SQL).bindparams(q=query)
    return report_model.id.in_(matching.columns(db.column("rowid")))


def score(query_stems, document):
    """Cosine similarity of the distinct stems of a query and of a document (0..1)."""
    wanted = set(query_stems)
    have = set((document or "").split())
    if not wanted or not have:
        return 0.0
    shared = len(wanted & have)
    if shared < min(MIN_SHARED, len(wanted)):
        return 0.0
    return shared / math.sqrt(len(wanted) * len(have))


def rank(candidates, query_stems, limit, min_score=MIN_SCORE):
    """Best candidates first; ties broken by impact then by newest, so the order is stable.

    A candidate is anything with `id`, `search_text` and `people_total` (a report, or a row of them).
    """
    scored = [(score(query_stems, c.search_text), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s > 0 and s >= min_score]
    scored.sort(key=lambda sc: (-sc[0], -sc[1].people_total, -sc[1].id))
    return [c for _s, c in scored[:limit]]
