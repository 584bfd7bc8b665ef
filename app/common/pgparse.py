"""psycopg parses a statement's text (finding its %(name)s placeholders) on every execution when the text is
longer than 4 KiB or has more than 50 parameters; shorter texts are parsed once and kept (an LRU of 128 texts). The statements Passerelle
builds once and runs on every request of a page (a home page's UNION of the domains' parts is ~9 KiB, the
back-office board's ~5 KiB) were parsed again each time: about 0.13 ms a request for the agent's home page.

psycopg leaves long texts out of its cache because ORMs generate them with varying lengths (INSERT ... VALUES
with any number of rows); Passerelle's long statements are built once, and the cache stays bounded (128
texts, the longest kept are the limit below), so the limit is raised. The parsing itself is unchanged: same
query sent, same parameters.
"""

LONG_STATEMENT_BYTES = 32 * 1024
MANY_PARAMETERS = 200  # the working-conditions indicators' one statement has 78


def cache_long_statement_parsing():
    try:
        from psycopg import _queries
    except ImportError:  # psycopg not installed (SQLite only)
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", None) is not None:
        _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, LONG_STATEMENT_BYTES)
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None) is not None:
        _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, MANY_PARAMETERS)
