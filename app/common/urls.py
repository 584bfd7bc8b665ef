"""Absolute URLs built from BASE_URL (never from the request's Host header)."""
import re

from flask import current_app, has_request_context, url_for


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


def id_url_builder(endpoint, key, **values):
    """A function id -> url_for(endpoint, **values, key=id) that builds the URL once: a table of 50 rows then
    pays one url_for, not 50 (about 8 µs each). Falls back to url_for when the id is not a plain path part."""
    url = url_for(endpoint, **values, **{key: _MARKER})
    head, found, tail = url.partition(str(_MARKER))
    if not found or str(_MARKER) in tail or "?" in head:
        return lambda value: url_for(endpoint, **values, **{key: value})
    return lambda value: f"{head}{int(value)}{tail}"


_PLAIN = re.compile(r"[A-Za-z0-9-]+")
_TEXT_MARKER = "pas-url-marker-7f3a"  # letters, digits and "-": written as it is by url_for, like _PLAIN texts


def text_url_builder(endpoint, key, **values):
    """A function text -> url_for(endpoint, **values, key=text) that builds the URL once, like id_url_builder, for
    path parts made only of letters, digits and "-" (a report's reference): url_for writes them as they are.
    Any other value goes through url_for."""
    url = url_for(endpoint, **values, **{key: _TEXT_MARKER})
    head, found, tail = url.partition(_TEXT_MARKER)
    if not found or _TEXT_MARKER in tail or "?" in head:
        return lambda value: url_for(endpoint, **values, **{key: value})

    def build(value):
        if isinstance(value, str) and _PLAIN.fullmatch(value):
            return f"{head}{value}{tail}"
        return url_for(endpoint, **values, **{key: value})

    return build
