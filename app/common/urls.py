"""Absolute URLs built from BASE_URL (never from the request's Host header)."""
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
