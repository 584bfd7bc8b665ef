"""Absolute URLs built from BASE_URL (never from the request's Host header), and URL builders for long tables."""
from urllib.parse import quote

from flask import current_app, has_request_context, request, url_for


def external_url(endpoint, **values):
    """BASE_URL + the path of an endpoint, usable in e-mails, PDFs and CLI output."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"] + path


def local_path(endpoint, **values):
    """The path of an endpoint, with or without a request (notification links)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


_MARKER = 2147483647  # a valid <int:...> value that cannot be confused with the rest of a path
_TEXT_MARKER = "__passerelle_segment__"  # the same for a <string:...> path segment
PATH_SAFE = "!$&'()*+,/:;=@"  # werkzeug's BaseConverter.to_url: what url_for leaves unquoted in a path segment


def _around(endpoint, key, marker, values=None):
    """(head, tail) of url_for(endpoint, **values, key=marker) around the marker, or None when the marker is not
    found once in the path."""
    url = url_for(endpoint, **(values or {}), **{key: marker})
    head, found, tail = url.partition(str(marker))
    if not found or str(marker) in tail or "?" in head:
        return None
    return head, tail


def _builder(endpoint, key, marker, part, values):
    """url_for once with `marker` in place of the value, then value -> head + part(value) + tail; url_for itself
    when the marker is not found once in the path."""
    found = _around(endpoint, key, marker, values)
    if found is None:
        return lambda value: url_for(endpoint, **values, **{key: value})
    head, tail = found
    return lambda value: f"{head}{part(value)}{tail}"


def id_url_builder(endpoint, key, **values):
    """A function id -> url_for(endpoint, **values, key=id) that builds the URL once: a table of 50 rows then
    pays one url_for, not 50 (about 8 µs each). Falls back to url_for when the id is not a plain path part."""
    return _builder(endpoint, key, _MARKER, int, values)


def segment_url_builder(endpoint, key, **values):
    """The same for a text path segment (a code): the value is quoted as url_for quotes a path segment."""
    return _builder(endpoint, key, _TEXT_MARKER, lambda value: quote(str(value), safe=PATH_SAFE), values)


_segment_url_parts = {}  # (script root, endpoints, key) -> {name: (head, tail) around the segment, or None}


def segment_urls(endpoints, key, value):
    """{name: url_for(endpoint, key=value)} for several endpoints ({name: endpoint}) that take the same text path
    segment, for one value (a page's links and forms about one object): each endpoint's URL around the segment
    built once per process and application prefix, the value quoted once, as url_for quotes it (url_for itself
    for an endpoint whose URL the segment is not plainly part of)."""
    from flask import request

    cache_key = (request.script_root, tuple(endpoints.items()), key)
    parts = _segment_url_parts.get(cache_key)
    if parts is None:
        parts = _segment_url_parts[cache_key] = {name: _around(endpoint, key, _TEXT_MARKER)
                                                 for name, endpoint in endpoints.items()}
    segment = quote(str(value), safe=PATH_SAFE)
    return {name: f"{found[0]}{segment}{found[1]}" if found else url_for(endpoints[name], **{key: value})
            for name, found in parts.items()}


_id_url_prefixes = {}  # (script root, endpoint, key) -> the URL before the id


def id_url_prefix(endpoint, key):
    """The URL of `endpoint` before its last path part, the id `key` (url_for(endpoint, key=n) is this + str(n)),
    built once per process and application prefix: for rows written in Python, one prefix per table and no
    url_for per request. An endpoint whose URL does not end with the id is a programming error (ValueError)."""
    cache_key = (request.script_root, endpoint, key)
    prefix = _id_url_prefixes.get(cache_key)
    if prefix is None:
        found = _around(endpoint, key, _MARKER)
        if found is None or found[1]:
            raise ValueError(f"{endpoint}: the URL does not end with {key}")
        prefix = _id_url_prefixes[cache_key] = found[0]
    return prefix


_URLS_KEPT = 1024


def kept_url(endpoint, **values):
    """url_for(endpoint, **values) in a request, kept per process (per application, script root and values), for
    a link whose query arguments repeat from request to request (a list's filters): url_for with query arguments
    costs about 90 calls. Emptied when it holds _URLS_KEPT of them."""
    urls = current_app.extensions.setdefault("kept_urls", {})
    key = (request.script_root, endpoint, tuple(values.items()))
    url = urls.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(urls) >= _URLS_KEPT:
            urls.clear()
        urls[key] = url
    return url
