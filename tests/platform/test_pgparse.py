"""Long statements built once (the home page's union, the indicators' one statement) are parsed once by psycopg:
an app on PostgreSQL raises psycopg's limits for the statement texts it keeps parsed."""
import pytest

from app.common import pgparse


def test_psycopg_keeps_the_parsing_of_long_statements_with_many_parameters():
    _queries = pytest.importorskip("psycopg._queries")
    pgparse.cache_long_statement_parsing()
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= pgparse.LONG_STATEMENT_BYTES
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= pgparse.MANY_PARAMETERS
