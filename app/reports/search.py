"""Full-text search of reports with French stemming, identical on SQLite and PostgreSQL.

Texts are normalised in Python (lower case, Snowball French stem, accents removed, stop
words dropped) into `reports.search_text`. The database only finds candidates containing
the stems: an FTS5 table on SQLite; on PostgreSQL, `reports.search_vector`, a stored generated
column `to_tsvector('simple', search_text)` with a GIN index (stored, so that a scan in id order
does not parse every text again; it is left out of the model: SQLite has no such column).
Candidates are ranked by the same formula on both: in Python on SQLite (`rank`); in the same query
that finds them on PostgreSQL (`best_candidates`), from the stored vector, so that only the few reports
shown leave the database. The vector holds exactly the words of search_text (`stems` keeps only words
PostgreSQL's parser leaves whole), so both count the same words.
"""
import math
import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from sqlalchemy import Double, Integer, String, event, text

from app.common.sql import inline, inline_param
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
# Words PostgreSQL's text parser would not keep whole: scientific notation followed by letters
# ("1e1x" is read as "1e1" and "x"), and words too long to be indexed (over 2047 characters).
SPLIT_BY_POSTGRESQL = re.compile(r"^\d+e\d+[a-z]")
MAX_WORD = 2047
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
    found = (_known_stem(word) if len(word) <= CACHED_WORD else _stem(word) for word in WORD.findall(value))
    return [stem for stem in found if stem is not None]


def _stem(word):
    """The stem of one lower-case word, or None when it is not indexed."""
    plain = strip_accents(word)
    if len(plain) < 2 or plain in STOP_WORDS or plain.isdigit():
        return None
    stem = strip_accents(_stemmer().stemWord(word))
    # Only [a-z0-9] reaches the index: both databases then split words the same way.
    if not ASCII_WORD.match(stem) or stem in STOP_WORDS or len(stem) > MAX_WORD or SPLIT_BY_POSTGRESQL.match(stem):
        return None
    return stem


# Words recur from one text to the next: their stems are kept (ordinary words only, so the cache stays small).
CACHED_WORD = 40
_known_stem = lru_cache(maxsize=8192)(_stem)


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


def match_clause(report_model, words, mode="any"):
    """SQL condition: the report's stems contain any (or all) of these normalised words."""
    dialect = db.session.get_bind().dialect.name
    value = match_value(words, dialect, mode)
    if value is None:
        return None
    if dialect == "postgresql":
        vector = search_vector(report_model)
        # In the SQL text (see app.common.sql.inline): the planner then knows how common the words are.
        return vector.op("@@")(db.func.to_tsquery(inline("simple", "search_config"), inline(value, "search_query")))
    matching = text(MATCH_SQL).bindparams(q=value)
    return report_model.id.in_(matching.columns(db.column("rowid")))


def match_value(words, dialect, mode="any"):
    """The search expression of match_clause for these words on this database (None without any word)."""
    words = sorted(set(words))
    if not words:
        return None
    if dialect == "postgresql":
        return (" | " if mode == "any" else " & ").join(words)
    return (" OR " if mode == "any" else " AND ").join(f'"{w}"' for w in words)


def match_param_clause(report_model, dialect):
    """match_clause for a statement built once: its expression (match_value) is the parameter `q` when it runs,
    written into the SQL on PostgreSQL like match_clause's."""
    if dialect == "postgresql":
        return search_vector(report_model).op("@@")(
            db.func.to_tsquery(inline("simple", "search_config"), inline_param("q", String)))
    return report_model.id.in_(text(MATCH_SQL).columns(db.column("rowid")))


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


def ranks_in_sql():
    """Whether the database ranks the candidates itself (PostgreSQL), else `rank` does in Python."""
    return db.session.get_bind().dialect.name == "postgresql"


def match_any(report_model):
    """PostgreSQL: the stored vector contains any of the words of `ranking_values` (parameter search_query)."""
    return search_vector(report_model).op("@@")(
        db.func.to_tsquery(inline("simple", "search_config"), inline_param("search_query", String)))


def best_candidates(candidates):
    """PostgreSQL: `rank` in SQL, over a select of candidates' (id, people_total, search_vector).

    Returns a subquery of the best (id, people_total, score); order by `best_order`. The values are
    the parameters of `ranking_values`. The score is `score`'s cosine, computed from the stored vector:
    its length is the number of distinct words of search_text, and deleting the query's words from it
    counts those it shares.
    """
    return best_select(candidates).subquery("best")


def best_select(candidates, min_score=None, limit=None):
    """best_candidates' select, its minimum score and number of rows given as SQL expressions (by default the
    parameters search_min_score and search_limit of `ranking_values`)."""
    found = candidates.subquery("candidates")
    have = db.func.length(found.c.search_vector)
    words = db.func.string_to_array(inline_param("search_words", String), inline(" ", "separator"))
    # OFFSET 0 keeps this subquery apart: PostgreSQL then deletes the words once per candidate, not again in
    # each condition and in the sort that use the count.
    counted = (db.select(found.c.id, found.c.people_total, have.label("have"),
                         (have - db.func.length(db.func.ts_delete(found.c.search_vector, words))).label("shared"))
               .offset(inline(0, "apart")).subquery("counted"))
    # greatest(): never a division by zero, whatever order PostgreSQL evaluates the conditions in.
    # Typed double precision throughout: the same IEEE arithmetic as Python's, never numeric.
    score = db.cast(counted.c.shared, Double) / db.func.sqrt(
        db.cast(inline_param("search_wanted", Integer) * db.func.greatest(counted.c.have, inline(1, "one")), Double),
        type_=Double)
    if min_score is None:
        min_score = db.cast(inline_param("search_min_score", Double), Double)
    scored = db.select(counted.c.id, counted.c.people_total, score.label("score")).where(
        counted.c.shared >= inline_param("search_min_shared", Integer), score >= min_score)
    return (
        scored.order_by(score.desc(), counted.c.people_total.desc(), counted.c.id.desc())
        .limit(inline_param("search_limit", Integer) if limit is None else limit)
    )


def ranking_values(query_stems, limit, min_score=MIN_SCORE):
    """The parameters of `match_any` and `best_candidates` for these stems (only [a-z0-9] words)."""
    wanted = sorted(set(query_stems))
    return {
        "search_query": " | ".join(wanted), "search_words": " ".join(wanted), "search_wanted": len(wanted),
        "search_min_shared": min(MIN_SHARED, len(wanted)), "search_min_score": float(min_score),
        "search_limit": int(limit),
    }


def best_order(best):
    """`rank`'s order: score, then impact, then newest."""
    return best.c.score.desc(), best.c.people_total.desc(), best.c.id.desc()


def search_vector(report_model):
    """PostgreSQL: the stored vector column (left out of the model, see the module's docstring)."""
    return db.literal_column(f"{report_model.__tablename__}.search_vector")
