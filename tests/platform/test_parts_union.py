"""app.common.sql.PartsUnion: several parts' small typed rows read in one query, each part's rows as its own
row type, in its own order; and app.common.home, the home pages' contributions read through it. Also the
statements built once (BuiltOnce: their compiled form found without hashing their cache key) and joined_text."""
import re
from datetime import datetime
from typing import NamedTuple

import pytest
from sqlalchemy import bindparam

from app.accounts.models import Organisation, User
from app.common import home
from app.common.sql import BuiltOnce, Part, PartsUnion, id_list, ids, joined_text
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory
from tests.query_counter import count_queries


def _selects(counter):
    return [s for s in counter.statements if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE counts too


class Person(NamedTuple):
    id: int
    full_name: str
    created_at: datetime
    active: bool


def _code(code):
    return code


def _parts():
    org = bindparam("org_id")
    return (
        Part("people", db.select(User.id, User.full_name, User.created_at, User.active)
             .where(User.organisation_id == org), Person, order_by=(User.full_name.desc(),), limit=2),
        Part("organisation", db.select(Organisation.code).where(Organisation.id == org), _code),
        Part("nobody", db.select(User.email).where(User.id == -1), _code),
    )


def test_each_part_comes_back_typed_ordered_and_limited_in_one_query(app):
    org = OrganisationFactory(code="ORG-PARTS")
    for name in ("Anne", "Bruno", "Chloé"):
        UserFactory(full_name=name, organisation=org)
    UserFactory(full_name="Zoé")  # another organisation
    db.session.commit()
    union, org_id = PartsUnion(_parts()), org.id
    with count_queries(app) as counter:
        rows = union.read({"org_id": org_id})
    assert len(_selects(counter)) == 1
    assert [p.full_name for p in rows["people"]] == ["Chloé", "Bruno"]  # the part's order, then its limit
    person = rows["people"][0]
    assert isinstance(person, Person) and person.active is True
    assert person.created_at.tzinfo is not None  # the column type's result processing ran (UTCDateTime)
    assert rows["organisation"] == ["ORG-PARTS"]
    assert rows["nobody"] == []


def test_an_id_list_part_is_one_row_of_every_id_and_empty_when_none_matched(app):
    org = OrganisationFactory(code="ORG-IDS")
    members = [UserFactory(organisation=org) for _ in range(3)]
    db.session.commit()
    member_ids, org_key, org_id = sorted(u.id for u in members), org.id, bindparam("org_id")
    union = PartsUnion([
        Part("members", db.select(id_list(User.id)).where(User.organisation_id == org_id), ids),
        Part("codes", db.select(Organisation.code).where(Organisation.id == org_id), _code),
    ])
    with count_queries(app) as counter:
        rows = union.read({"org_id": org_key})
    assert len(_selects(counter)) == 1
    assert len(rows["members"]) == 1 and sorted(rows["members"][0]) == member_ids
    assert rows["codes"] == ["ORG-IDS"]
    assert union.read({"org_id": -1})["members"] == [()]  # no row matched: one row, no id


def test_parts_need_distinct_names_and_typed_columns():
    with pytest.raises(ValueError):
        PartsUnion([Part("same", db.select(User.id), _code), Part("same", db.select(User.id), _code)])
    with pytest.raises(TypeError):
        PartsUnion([Part("untyped", db.select(db.null().label("nothing")), _code)])


def test_home_contributions_are_read_together_and_built_by_their_domain(app, monkeypatch):
    monkeypatch.setattr(home, "_CONTRIBUTIONS", {})
    monkeypatch.setattr(home, "_UNIONS", {})
    org = OrganisationFactory(code="ORG-HOME")
    user = UserFactory(full_name="Agent", organisation=org)
    db.session.commit()
    user = db.session.get(User, user.id)  # loaded now: reading its columns below runs no query
    home.register_home_contribution("test", home.HomeContribution(
        "colleagues", (Part("colleagues", db.select(User.full_name).where(User.id == bindparam("user_id")), _code),),
        lambda rows, u, since: [name.upper() for name in rows["colleagues"]]))
    home.register_home_contribution("test", home.HomeContribution(
        "organisation", (Part("home_organisation", db.select(Organisation.code)
                              .where(Organisation.id == bindparam("organisation_id")), _code),),
        lambda rows, u, since: (rows["home_organisation"], since),
        params=lambda u, since: {"organisation_id": u.organisation_id}))
    with count_queries(app) as counter:
        shown = home.read_home("test", user, since="hier")
    assert len(_selects(counter)) == 1
    assert shown == {"colleagues": ["AGENT"], "organisation": (["ORG-HOME"], "hier")}
    assert home.read_home("nothing registered", user) == {}


def _constant_parts():
    """Parts with constants SQLAlchemy would send or expand on every execution (an IN list, a limit, a literal)
    and a timestamp given when they run (UTCDateTime: its bind and result processing must run)."""
    org, since = bindparam("org_id"), bindparam("since", type_=User.created_at.type)
    return (
        Part("people", db.select(User.id, User.full_name, User.created_at, User.active)
             .where(User.organisation_id == org, User.role.in_(("agent", "hr")), User.created_at >= since),
             Person, order_by=(User.full_name,), limit=2),
        Part("codes", db.select(Organisation.code).where(Organisation.id == org, Organisation.code != "%:x"), _code),
    )


def test_a_textual_union_reads_the_same_rows_with_its_constants_written_into_its_sql(app):
    org = OrganisationFactory(code="ORG-TEXT")
    for name, role in (("Anne", "agent"), ("Bruno", "hr"), ("Chloé", "agent"), ("Denis", "admin")):
        UserFactory(full_name=name, role=role, organisation=org)
    db.session.commit()
    params = {"org_id": org.id, "since": datetime(2000, 1, 1)}  # naive: read as UTC by UTCDateTime
    plain, textual = PartsUnion(_constant_parts()), PartsUnion(_constant_parts(), textual=True)
    expected = plain.read(params)
    with count_queries(app) as counter:
        rows = textual.read(params)
    assert rows == expected and [p.full_name for p in rows["people"]] == ["Anne", "Bruno"]
    assert rows["people"][0].created_at.tzinfo is not None and rows["codes"] == ["ORG-TEXT"]
    (sql,) = _selects(counter)
    if db.engine.dialect.name == "postgresql":  # written into the SQL; only the values of `read` sent
        assert "'agent', 'hr'" in sql and "LIMIT 2" in sql and "'%%:x'" in sql
        assert set(re.findall(r"%\((\w+)\)s", sql)) == {"org_id", "since"}
    else:  # SQLite's driver has positional placeholders: the statement runs as it is
        assert list(textual._textual.values()) == [None]
    assert textual.read({**params, "org_id": -1}) == plain.read({**params, "org_id": -1})


def test_a_textual_union_sees_what_the_session_has_not_flushed_yet(app):
    org = OrganisationFactory(code="ORG-FLUSH")
    db.session.commit()
    UserFactory(full_name="Pending", role="agent", organisation=org)  # added, not flushed
    rows = PartsUnion(_constant_parts(), textual=True).read({"org_id": org.id, "since": datetime(2000, 1, 1)})
    assert [p.full_name for p in rows["people"]] == ["Pending"]
    db.session.rollback()


def test_textual_statement_leaves_alone_what_it_cannot_write_into_the_sql():
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    from app.common.sql import inline_param, textual_statement

    pg = PGDialect_psycopg()
    union = PartsUnion(_constant_parts())
    written = textual_statement(union.statement, pg, {"org_id", "since"})
    sql = str(written.compile(dialect=pg))
    assert "'agent', 'hr'" in sql and "(%(org_id)s::INTEGER)" in sql and "::INTEGER)::" not in sql
    assert "(%(since)s::TIMESTAMP WITH TIME ZONE)" in sql
    assert textual_statement(union.statement, SQLiteDialect_pysqlite(), {"org_id", "since"}) is None
    assert textual_statement(union.statement, pg, {"org_id"}) is None  # :since given by nobody
    computed = db.select(User.id).where(User.created_at >= bindparam("now", callable_=datetime.now))
    assert textual_statement(computed, pg, set()) is None  # a value computed when it runs
    page = db.select(User.id).limit(inline_param("rows"))
    assert textual_statement(page, pg, {"rows"}) is None  # a value of `read` written into the SQL
    listed = db.select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    assert textual_statement(listed, pg, {"ids"}) is None  # an IN list given when it runs


def test_a_part_sees_what_the_session_has_not_flushed_yet_as_the_session_would(app):
    org = OrganisationFactory(code="ORG-FLUSH")
    db.session.commit()
    union = PartsUnion([Part("codes", db.select(Organisation.code).where(Organisation.id == bindparam("org_id")),
                             _code)])
    org.code = "ORG-FLUSHED"  # pending: the read flushes it first (the session's autoflush)
    assert union.read({"org_id": org.id})["codes"] == ["ORG-FLUSHED"]
    with db.session.no_autoflush:
        org.code = "ORG-PENDING"
        assert union.read({"org_id": org.id})["codes"] == ["ORG-FLUSHED"]
    db.session.rollback()


def test_a_statement_built_once_is_compiled_once_and_its_events_still_fire(app):
    user = UserFactory(full_name="Once")
    db.session.commit()
    user_id = user.id
    built = BuiltOnce(db.select(User.full_name, db.literal("x", db.String).label("fixed"))
                      .where(User.id == bindparam("user_id")))
    connection = db.session.connection()
    engine_cache = len(db.engine._compiled_cache)
    with count_queries(app) as counter:
        first = built.run(connection, {"user_id": user_id})
        assert first.all() == [("Once", "x")]
        again = built.run(connection, {"user_id": -1})
        assert again.all() == []
    assert len(_selects(counter)) == 2  # before_cursor_execute ran for each (query counts, reads outside transactions)
    assert again.context.compiled is first.context.compiled  # found again, not compiled twice
    assert again.context.cache_hit == connection.dialect.CACHE_HIT
    assert len(db.engine._compiled_cache) == engine_cache  # kept with the statement, not in the engine's cache


def test_the_compiled_statement_is_found_by_an_equal_key_too_and_never_by_another_statement(app):
    from app.common.sql import _CompiledOnce

    cache, dialect = _CompiledOnce(), db.engine.dialect
    statement = db.select(User.id).where(User.id == bindparam("user_id"))
    key = statement._generate_cache_key().key
    cache[(dialect, key, (), False, False)] = "compiled"
    assert cache.get((dialect, key, (), False, False)) == "compiled"  # the same key object
    rebuilt = db.select(User.id).where(User.id == bindparam("user_id"))._generate_cache_key().key
    assert rebuilt is not key and cache.get((dialect, rebuilt, (), False, False)) == "compiled"  # an equal one
    other = db.select(User.email).where(User.id == bindparam("user_id"))._generate_cache_key().key
    assert cache.get((dialect, other, (), False, False)) is None
    assert cache.get((dialect, key, ("user_id",), False, False)) is None  # other options: compiled apart
    for n in range(4):
        cache[(dialect, key, (str(n),), False, False)] = n
    assert cache.get((dialect, key, (), False, False)) is None  # the oldest left (a few entries kept)
    assert cache.get((dialect, key, ("3",), False, False)) == 3


def test_joined_text_writes_its_separator_in_the_compiled_sql(app):
    OrganisationFactory(code="ORG-B")
    OrganisationFactory(code="ORG-A")
    db.session.commit()
    statement = db.select(joined_text(Organisation.code)).where(Organisation.code.like("ORG-_"))
    compiled = statement.compile(dialect=db.engine.dialect)
    assert not compiled.literal_execute_params and not compiled.post_compile_params  # nothing rendered per run
    assert ", ','" in compiled.string
    assert sorted(db.session.execute(statement).scalar_one().split(",")) == ["ORG-A", "ORG-B"]
    assert db.session.execute(statement.where(Organisation.id == -1)).scalar_one() is None
    codes = db.select(Organisation.code).where(Organisation.code.like("ORG-_")).subquery()
    assert sorted(db.session.execute(db.select(joined_text(codes.c.code))).scalar_one().split(",")) == ["ORG-A", "ORG-B"]
