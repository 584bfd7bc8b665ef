"""SQL helpers the domains share: the 32-bit id bound, values written into the SQL text for stable plans,
a page of rows with a total counted only so far, and statements built once run without their cache key hashed."""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import starmap
from operator import itemgetter

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal, iterate

from app.extensions import db

# Ids, row offsets and limits are 32-bit integers on PostgreSQL: larger values from a URL match nothing.
MAX_ID = 2**31 - 1


def is_id(value):
    """Whether `value` can be a row id (a positive 32-bit integer)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def inline(value, name="value"):
    """A value written into the SQL text when the statement runs, instead of sent as a parameter (quoted by
    SQLAlchemy; lists and tuples expand); the compiled statement stays cached.

    For statements whose plan depends on the value: psycopg prepares a statement run 5 times, and PostgreSQL
    may then settle on a generic plan that ignores the values (one made for an "average" organisation, or
    one reading every report matching a common word). Written into the SQL, each value gets its own plan.
    """
    return db.bindparam(name, value, literal_execute=True, unique=True, expanding=isinstance(value, list | tuple))


def inline_param(name, type_=Integer, expanding=False):
    """A value given when the statement runs (`name`), yet written into the SQL text like `inline`'s: a
    statement made of these is built once and reused (building one costs more than running it)."""
    return db.bindparam(name, type_=type_, literal_execute=True, expanding=expanding)


class InSelect(ColumnElement):
    """`column IN (select)`, see `in_select`."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("select", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, select):
        self.column, self.select = column, select


@compiles(InSelect)
def _in_select(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} IN ({compiler.process(element.select, **kw)})"


@compiles(InSelect, "postgresql")
def _any_of_array(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY({compiler.process(element.select, **kw)}))"


def in_select(column, select):
    """`column IN (select)` for a select of a few values (ids read from a small table), looked up one by one.

    PostgreSQL gets `column = ANY(ARRAY(select))`: the select runs once, first, and its values are then found
    through the column's index. Written as IN, the planner may choose instead to hash every row of the big
    side to match a few hundred values (a semi-join costed from estimates): a full scan where ten lookups do.
    """
    return InSelect(column, select)


class _JoinedText(FunctionElement):
    """See `joined_text` (an aggregate function: its FROM and its GROUP BY behave as any function's)."""

    name = "joined_text"
    inherit_cache = True
    type = String()


@compiles(_JoinedText)
def _group_concat(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_JoinedText, "postgresql")
def _string_agg(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


def joined_text(text):
    """The non-NULL values of the text expression `text` joined by commas (an aggregate: NULL when none).

    SQLAlchemy's `func.aggregate_strings` gives the same SQL, but its separator is a value written into the SQL
    at each execution (a literal-execute parameter): the statement's whole text is then searched and rebuilt
    every time it runs. Here the separator is part of the compiled SQL."""
    return _JoinedText(text)


class _CompiledOnce:
    """SQLAlchemy's compiled cache (the `compiled_cache` execution option) for one statement that is built once
    and run many times: its compiled form found by the identity of the statement's cache key.

    The engine's cache (an LRU dict) hashes the statement's whole cache key, a nested tuple that SQLAlchemy
    rebuilds nowhere but hashes at every execution: ~900 elements for the signed-in user's row, ~6,000 for a
    home page's UNION of parts (27 us a request, more under load). A statement built once keeps the same key
    object (SQLAlchemy memoizes it): found here by `is`, by equality otherwise (the engine's lookup, never a
    wrong match). Keeps the last few (dialect, options) entries: one per engine in practice, more in tests."""

    __slots__ = ("_entries",)
    _KEPT = 4

    def __init__(self):
        self._entries = ()

    def get(self, key, default=None):
        dialect, cache_key, *rest = key
        for kept, compiled in self._entries:
            if kept[1] is cache_key and kept[0] is dialect and list(kept[2:]) == rest:
                return compiled
        for kept, compiled in self._entries:
            if kept == key:
                return compiled
        return default

    def __setitem__(self, key, compiled):
        self._entries = (*self._entries[-(self._KEPT - 1):], (key, compiled))


class BuiltOnce:
    """A statement built once per process (bind parameters given at each run), run on a connection with its
    compiled form found without hashing its cache key (see `_CompiledOnce`). `run` gives the Core result:
    plain rows, no ORM entity. With `literals`, its `inline_param` values are written into its SQL once per set
    of values (see `LiteralTexts`)."""

    __slots__ = ("statement", "_options", "_literals")

    def __init__(self, statement, literals=False):
        self.statement = statement
        self._options = {"compiled_cache": _CompiledOnce()}
        self._literals = LiteralTexts(statement) if literals else None

    def run(self, connection, params):
        if self._literals is not None:
            found = self._literals.find(connection.dialect, params)
            if found is not None:
                text, options, values = found
                return connection.execute(text, values, execution_options=options)
        return connection.execute(self.statement, params, execution_options=self._options)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


class LiteralTexts:
    """One statement as texts with its `inline_param` values written in, one per set of values, each kept with
    its compiled form: what a page runs again with the same values (the same reader's organisation or groups,
    the same page) is sent as it was the first time, with only its other parameters.

    SQLAlchemy writes a literal-execute parameter's value into the SQL at every execution: it searches and
    rebuilds the statement's whole text (about 10 KB for the expert board) and processes its parameters again.
    The text made here is `textual_statement`'s (the same SQL, typed as the statement is), made once per set
    of values and kept for the last `KEPT` ones. Only for values that repeat (ids, page numbers): a free text
    (a search) would make a text per request. None from `find` (another driver, a value missing or that cannot
    be a key, a statement textual_statement refuses): the statement then runs as it is."""

    KEPT = 128
    __slots__ = ("statement", "_names", "_texts", "_lock")

    def __init__(self, statement):
        self.statement = statement
        self._names = None  # the inline_param names, sorted (found on first use)
        self._texts = OrderedDict()
        self._lock = threading.Lock()

    def find(self, dialect, params):
        """(text statement, execution options, its values) for these parameters, or None."""
        if dialect.paramstyle != "pyformat":
            return None
        names = self._names
        if names is None:
            names = self._names = tuple(sorted({
                element.key for element in iterate(self.statement)
                if isinstance(element, BindParameter) and element.literal_execute and element.value is None}))
        if not names or not all(name in params for name in names):
            return None
        try:
            key = (type(dialect), tuple(_hashable(params[name]) for name in names),
                   frozenset(params.keys() - set(names)))
            with self._lock:
                found = self._texts.get(key)
                if found is not None:
                    self._texts.move_to_end(key)  # the least recently used goes first
        except TypeError:  # a value that cannot be a key
            return None
        if found is None:
            found = self._make(dialect, params, names, key[2])
            with self._lock:
                self._texts[key] = found
                while len(self._texts) > self.KEPT:
                    self._texts.popitem(last=False)
        if found is False:
            return None
        text, options = found
        return text, options, {name: params[name] for name in key[2]}

    def _make(self, dialect, params, names, others):
        """(text, execution options) of the statement with these values written in, or False."""
        text = textual_statement(self.statement, dialect, others, {name: params[name] for name in names})
        if text is None:
            return False
        options = self.statement.get_execution_options()
        return (text.execution_options(**options) if options else text), {"compiled_cache": _CompiledOnce()}


_LITERAL_STATEMENTS = {}  # id(statement) -> its BuiltOnce(literals=True), for run_with_literals
_LITERAL_STATEMENTS_KEPT = 256


def run_with_literals(connection, statement, params):
    """Run a statement built once per process (kept by its builder: an lru_cache) whose `inline_param` values
    repeat from one request to the next, as a `BuiltOnce` with `literals`; the Core result."""
    built = _LITERAL_STATEMENTS.get(id(statement))
    if built is None or built.statement is not statement:
        if len(_LITERAL_STATEMENTS) >= _LITERAL_STATEMENTS_KEPT:
            _LITERAL_STATEMENTS.clear()  # statements are built once per shape: rarely more than a few dozen
        built = _LITERAL_STATEMENTS[id(statement)] = BuiltOnce(statement, literals=True)
    return built.run(connection, params)


def commit_keeping_loaded(session):
    """Commit `session` without expiring the objects it holds: for a transaction whose writes changed none of them
    (rows written by Core statements only), where reading the signed-in user again after the commit would cost a
    query. The commit itself is the usual one, as durable."""
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


@dataclass(frozen=True)
class CappedWindow:
    """Where a page starts, and how far its total is counted: `window` rows from the start of the list
    (the page's offset plus the cap), so a long list answers "plus de N" instead of counting every row."""

    number: int
    per_page: int
    offset: int
    window: int

    @property
    def count_limit(self):
        """Rows to count: one past the window tells that there are more."""
        return self.window + 1

    def page(self, items, total):
        from app.common.pagination import Page

        capped = total > self.window
        return Page(items, self.number, self.per_page, self.window if capped else total, capped)


def capped_window(page_arg, per_page, count_cap):
    """The window of the ?page= value `page_arg` (1 when missing or not a number, kept 32-bit)."""
    from app.common.pagination import page_number

    number = page_number(page_arg, per_page, count_cap)
    offset = (number - 1) * per_page
    return CappedWindow(number, per_page, offset, offset + max(count_cap, per_page))


def capped_page(page_arg, per_page, count_cap, read_page, read_count):
    """A Page and its total counted up to `count_cap` rows past the page's start, in one query when possible.

    `read_page(window)` returns (items, total) where the page's rows carried the capped total (a subquery
    of the rows' query), or (items, None) when there were no rows; `read_count(window)` is then run, past
    the first page only, to tell how many pages there are.
    """
    window = capped_window(page_arg, per_page, count_cap)
    items, total = read_page(window)
    if total is None:
        total = read_count(window) if window.offset else 0
    return window.page(items, total)


def insert_for(bind):
    """The dialect's INSERT construct (with ON CONFLICT) for a connection or engine: PostgreSQL's, else SQLite's."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert if bind.dialect.name == "postgresql" else sqlite_insert


def as_tuple(*row):
    """A Part's row maker that keeps the columns as they come, as a tuple."""
    return row


def first(value):
    """A Part's row maker for one-column rows: the value itself."""
    return value


def id_list(column):
    """A part's ids as one text ("3,17,42"), read as one row instead of one row per id (see `ids`).

    For a list of a hundred ids read with a page: each row of a UNION costs its typed slots' processing in
    Python, and the ids need none of it. A select of this column without GROUP BY gives one row, its text
    NULL when no row matched."""
    return joined_text(db.cast(column, db.String)).label(f"{column.key}_list")


def ids(text):
    """A Part's row maker for an `id_list` column: the ids as a tuple of ints (empty for NULL)."""
    return tuple(map(int, text.split(","))) if text else ()


@dataclass(frozen=True)
class Part:
    """One named part of a `PartsUnion`: a statement of labelled, typed columns, and what each of its rows
    becomes (`row`, called with the columns in the statement's order: a named tuple or a dataclass).

    `order_by` (with `limit`) orders the part's rows and keeps the first ones; without it, the rows come in
    no particular order."""

    name: str
    statement: object  # a Select
    row: object
    order_by: tuple = ()
    limit: int | None = None


def _family(type_):
    """The slot a column of this type fills: its own TypeDecorator (its result processing must run), else
    its SQL type's family (String and Text share one)."""
    from sqlalchemy.types import NullType, TypeDecorator

    if isinstance(type_, NullType):
        raise TypeError("a part's columns need a type: cast NULL to the column's type")
    return type(type_) if isinstance(type_, TypeDecorator) else type_._type_affinity


class PartsUnion:
    """Small rows of several statements read in one query (UNION ALL), each part's rows handed back as its
    own row type, in its own order: for a page that shows a few lists from several domains.

    The branches of a UNION have the same columns: each part's columns go into slots of their type (a part
    with two texts and a date fills two text slots and a date slot), the other slots are typed NULLs, and a
    first column names the part. Build it once (building a statement costs more than running it); values go
    in as bind parameters of `read`.

    With `textual`, the statement runs on PostgreSQL as a text of the same SQL (see `textual_statement`): its
    constants written into it, only `read`'s values sent. SQLAlchemy otherwise hashes the whole statement's
    cache key, renders its IN lists and sends its twenty constants again on every execution (about half the
    cost of a home page's read in Python). With `literals`, the same once per set of its `inline_param` values
    (see `LiteralTexts`).
    """

    def __init__(self, parts, textual=False, literals=False):
        from sqlalchemy import func, literal_column, null, select

        parts = tuple(parts)
        names = [part.name for part in parts]
        if len(set(names)) != len(names) or not all(name.isidentifier() for name in names):
            raise ValueError(f"parts need distinct identifier names: {names}")
        subqueries, layout, slot_types = [], [], {}  # layout: per part, the slot of each column
        for part in parts:
            statement = part.statement
            if part.order_by:
                statement = statement.add_columns(
                    func.row_number().over(order_by=part.order_by).label("part_position")
                ).order_by(*part.order_by)
            if part.limit is not None:
                statement = statement.limit(part.limit)
            subquery = statement.subquery(f"part_{part.name}")
            columns = [c for c in subquery.c if c.key != "part_position"]
            used, slots = {}, []
            for column in columns:
                family = _family(column.type)
                index = used.get(family, 0)
                used[family] = index + 1
                slot_types.setdefault(family, [])
                if len(slot_types[family]) <= index:
                    slot_types[family].append(column.type)
                slots.append((family, index))
            subqueries.append(subquery)
            layout.append((columns, slots))
        order = [(family, index) for family, types in slot_types.items() for index in range(len(types))]
        position_of = {slot: 2 + i for i, slot in enumerate(order)}  # after the part's name and position
        branches = []
        for part, subquery, (columns, slots) in zip(parts, subqueries, layout, strict=True):
            by_slot = dict(zip(slots, columns, strict=True))
            values = [by_slot.get(slot, db.cast(null(), slot_types[slot[0]][slot[1]])) for slot in order]
            position = subquery.c.part_position if part.order_by else literal_column("0", Integer)
            branches.append(select(literal_column(f"'{part.name}'").label("part"), position.label("position"),
                                   *[v.label(f"slot_{i}") for i, v in enumerate(values)]).select_from(subquery))
        self.statement = branches[0] if len(branches) == 1 else db.union_all(*branches)
        self._built = BuiltOnce(self.statement, literals=literals)
        self._readers = {
            part.name: _reader(part.row, [position_of[slot] for slot in slots], bool(part.order_by))
            for part, (_columns, slots) in zip(parts, layout, strict=True)
        }
        self._textual = {} if textual else None  # (dialect class, parameter names) -> text statement or None

    def read(self, params):
        """{part name: [rows]} for these bind parameters, in one query."""
        found = {name: [] for name in self._readers}
        for row in self._execute(params):  # one fetch, not one call per row
            found[row[0]].append(row)
        return {name: reader(found[name]) for name, reader in self._readers.items()}

    def _execute(self, params):
        """The rows, on the session's connection (its ORM layer is not needed for plain rows; its autoflush kept):
        as text when this union is textual and can be (textual_statement), else compiled once (BuiltOnce)."""
        session = db.session()
        if session.autoflush:  # what the session's execute would do first
            session.flush()
        connection = session.connection()
        if self._textual is not None:
            key = (type(connection.dialect), frozenset(params))
            statement = self._textual.get(key, False)
            if statement is False:
                statement = self._textual[key] = textual_statement(self.statement, connection.dialect, key[1])
            if statement is not None:
                return connection.execute(statement, params).all()
        return self._built.run(connection, params).all()


def textual_statement(statement, dialect, names, values=None):
    """`statement` as a text of its SQL for `dialect`, typed as it is: its constants (IN lists, limits, values
    given when it was built, and the `values` given here by parameter name) written into the SQL, and only the
    bind parameters `names` left to be given when it runs. None when that cannot be done without changing what it reads: a driver whose placeholders are not
    named (`%(name)s`), a value computed when it runs (a callable), one of `names` written into the SQL or
    expanded (an IN list given when it runs), a constant that has no literal form, a parameter not given, a
    result column without a name.

    The text's SQL is the statement's (same joins, same conditions, same result types): only the constants are
    written instead of sent, as `inline` does.
    """
    import re

    from sqlalchemy import bindparam, column, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.sql.visitors import replacement_traverse

    values = values or {}
    if dialect.paramstyle != "pyformat" or not all(c.key for c in statement.selected_columns):
        return None  # (a result column without a name cannot be a text's column)
    for element in iterate(statement):
        if isinstance(element, BindParameter) and (
                element.callable is not None
                or (element.key in names and (element.literal_execute or element.expanding))
                or (element.key not in names and element.key not in values and element.required
                    and element.value is None)):
            return None

    def constant_or_named(element):
        if not isinstance(element, BindParameter):
            return None
        if element.key in names:  # a placeholder (its value is not used: it is not written into the SQL)
            return bindparam(element.key, None, type_=element.type, required=False)
        value = values[element.key] if element.key in values else element.value
        return bindparam(None, value, type_=element.type, expanding=element.expanding, literal_execute=True)

    try:
        compiled = replacement_traverse(statement, {}, constant_or_named).compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True})
    except (SQLAlchemyError, NotImplementedError, TypeError, ValueError):
        return None
    types = {name: bind.type for bind, name in compiled.bind_names.items()}
    pieces = re.split(r"%\((\w+)\)s", compiled.string)
    found = set(pieces[1::2])
    if not found <= set(names) or not found <= set(types):
        return None
    sql = []
    for index, piece in enumerate(pieces):
        if index % 2:
            sql.append(f"(:{piece})")
            continue
        if index and pieces[index - 1] in found:  # the driver's cast after the placeholder: text() writes it again
            cast = _bind_cast(dialect, pieces[index - 1], types[pieces[index - 1]])
            if cast and piece.startswith(cast):
                piece = piece[len(cast):]
        sql.append(piece.replace("%%", "%").replace(":", "\\:"))
    return (text("".join(sql)).bindparams(*[bindparam(name, type_=types[name]) for name in sorted(found)])
            .columns(*[column(c.key, c.type) for c in statement.selected_columns]))


def _bind_cast(dialect, name, type_):
    """What the dialect writes after a bind parameter's placeholder (PostgreSQL's `::TYPE`), or ''."""
    from sqlalchemy import bindparam, select

    rendered = str(select(bindparam(name, type_=type_)).compile(dialect=dialect))
    placeholder = f"%({name})s"
    start = rendered.find(placeholder)
    if start < 0:
        return ""
    tail = rendered[start + len(placeholder):]
    return tail[:tail.find(" AS ")] if " AS " in tail else ""


_POSITION = itemgetter(1)  # a part's row's position (after the part's name)


def _reader(make, indexes, ordered):
    """What turns a part's rows (in no order) into its values: sorted by position when the part is ordered, its
    columns taken by an itemgetter (no Python call per row), and `make` called on them unless it is as_tuple
    (several columns) or first (one), whose values the itemgetter gives as they are."""
    columns = itemgetter(*indexes)
    if (make is as_tuple and len(indexes) > 1) or (make is first and len(indexes) == 1):
        def values(rows):
            return list(map(columns, rows))
    elif len(indexes) == 1:
        def values(rows):
            return list(map(make, map(columns, rows)))
    else:
        def values(rows):
            return list(starmap(make, map(columns, rows)))
    if not ordered:
        return values

    def ordered_values(rows):
        rows.sort(key=_POSITION)
        return values(rows)
    return ordered_values
