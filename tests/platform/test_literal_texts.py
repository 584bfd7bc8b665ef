"""app.common.sql.LiteralTexts: a statement whose inline_param values are written into its SQL, as a text made
once per set of values and kept (run_with_literals, BuiltOnce(literals=True), PartsUnion(literals=True)). The
rows must be those of the statement run as it is, whatever the values; only the other parameters are sent."""
import re

from sqlalchemy import String, bindparam
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from app.accounts.models import User
from app.common.dbreads import COMMITS_ALONE
from app.common.sql import (
    BuiltOnce,
    LiteralTexts,
    Part,
    PartsUnion,
    as_tuple,
    inline,
    inline_param,
    run_with_literals,
)
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory
from tests.query_counter import count_queries


def _statement():
    """People of an organisation (written in), among some roles (an IN list written in), a name that is not
    :name_not (written in: a text with a quote), a page (limit and offset written in); :since sent."""
    return (
        db.select(User.id, User.full_name)
        .where(User.organisation_id == inline_param("org_id"), User.role.in_(inline_param("roles", String, True)),
               User.full_name != inline_param("name_not", String), User.id >= bindparam("since_id"),
               User.email != inline("nobody@example.org"))
        .order_by(User.full_name).limit(inline_param("rows")).offset(inline_param("skip"))
    )


def _people():
    org, other = OrganisationFactory(), OrganisationFactory()
    for name, role, place in (("Anne", "agent", org), ("Bruno", "hr", org), ("Chloé d'Arc", "agent", org),
                              ("Denis", "admin", None), ("Emma", "agent", other)):
        UserFactory(full_name=name, role=role, organisation=place)
    db.session.commit()
    return org, other


def _values(org, **changed):
    return {"org_id": org.id, "roles": ["agent", "hr"], "name_not": "Bruno", "rows": 5, "skip": 0, "since_id": 0,
            **changed}


def test_the_rows_are_those_of_the_statement_run_as_it_is(app):
    org, other = _people()
    statement = _statement()
    connection = db.session.connection()
    for values in (_values(org), _values(org, name_not="Chloé d'Arc"), _values(other), _values(org, rows=1),
                   _values(org, skip=1), _values(org, roles=[]), _values(org), _values(org, since_id=10 ** 6)):
        expected = connection.execute(statement, values).all()
        assert run_with_literals(connection, statement, values).all() == expected, values
    assert [row.full_name for row in run_with_literals(connection, statement, _values(org)).all()] == [
        "Anne", "Chloé d'Arc"]


def test_a_text_is_made_once_per_set_of_values_with_the_values_written_into_it(app):
    org, other = _people()
    texts = LiteralTexts(_statement())
    pg = PGDialect_psycopg()
    first = texts.find(pg, _values(org))
    again = texts.find(pg, _values(org, since_id=3))  # only a sent value changed: the same text
    assert first[0] is again[0] and first[1] is again[1]
    assert first[2] == {"since_id": 0} and again[2] == {"since_id": 3}
    assert texts.find(pg, _values(other))[0] is not first[0]
    sql = str(first[0].compile(dialect=pg))
    assert f"users.organisation_id = {org.id}" in sql and "IN ('agent', 'hr')" in sql
    assert "LIMIT 5" in sql and "OFFSET 0" in sql and "'Bruno'" in sql
    assert set(re.findall(r"%\((\w+)\)s", sql)) == {"since_id"}
    quoted = str(texts.find(pg, _values(org, name_not="d'Arc"))[0].compile(dialect=pg))
    assert "'d''Arc'" in quoted  # quoted as SQLAlchemy quotes a literal


def test_only_the_last_sets_of_values_are_kept(app):
    org, _other = _people()
    texts = LiteralTexts(_statement())
    pg = PGDialect_psycopg()
    kept = texts.find(pg, _values(org))[0]
    for page in range(1, LiteralTexts.KEPT + 1):
        texts.find(pg, _values(org, skip=page))
    assert len(texts._texts) == LiteralTexts.KEPT
    assert texts.find(pg, _values(org))[0] is not kept  # the least recently used went first, made again


def test_it_leaves_alone_what_it_cannot_write():
    texts = LiteralTexts(_statement())
    assert texts.find(SQLiteDialect_pysqlite(), _values(OrganisationFactory.build(id=1))) is None  # qmark driver
    pg = PGDialect_psycopg()
    values = {"org_id": 1, "roles": ["agent"], "name_not": "x", "rows": 5, "skip": 0, "since_id": 0}
    assert texts.find(pg, {k: v for k, v in values.items() if k != "rows"}) is None  # a value missing
    assert texts.find(pg, dict(values, org_id={1: 2})) is None  # a value that cannot be a key
    plain = db.select(User.id).where(User.id == bindparam("user_id"))
    assert LiteralTexts(plain).find(pg, {"user_id": 1}) is None  # nothing to write in


def test_the_statements_execution_options_go_with_its_text():
    statement = _statement().execution_options(**{COMMITS_ALONE: True})
    text, _options, _values_sent = LiteralTexts(statement).find(PGDialect_psycopg(), _values(
        OrganisationFactory.build(id=1)))
    assert text.get_execution_options()[COMMITS_ALONE] is True


def test_built_once_and_parts_union_read_the_same_with_literals(app):
    org, _other = _people()
    values = _values(org)
    plain = BuiltOnce(_statement()).run(db.session.connection(), values).all()
    with count_queries(app) as counter:
        written = BuiltOnce(_statement(), literals=True).run(db.session.connection(), values).all()
    assert written == plain and len(counter.statements) == 1
    union = PartsUnion([Part("people", _statement(), as_tuple)], literals=True)
    assert union.read(values)["people"] == [tuple(row) for row in plain]
    if db.engine.dialect.name == "postgresql":
        assert f"users.organisation_id = {org.id}" in counter.statements[0]


def test_a_statement_whose_text_cannot_compile_runs_as_it_is(app):
    """A result column without a name (an unlabelled scalar subquery) cannot be a text's column: the statement
    then runs as it is, with the same rows, instead of failing."""
    org, _other = _people()
    unnamed = _statement().add_columns(db.select(db.func.count(User.id)).scalar_subquery())
    assert LiteralTexts(unnamed).find(PGDialect_psycopg(), _values(org)) is None
    connection = db.session.connection()
    assert run_with_literals(connection, unnamed, _values(org)).all() == connection.execute(
        unnamed, _values(org)).all()
