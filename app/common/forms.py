"""Base form: WTForms' built-in messages in French; refilled after a session expiry."""
from flask import has_request_context
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

_pending_form_source = None  # function() -> saved form pairs for this page, or None (accounts)


def register_pending_form_source(function):
    """Accounts says where a form typed before a session expiry is kept (common imports no domain)."""
    global _pending_form_source
    _pending_form_source = function


class BaseForm(FlaskForm):
    class Meta:
        # With WTF_I18N_ENABLED off, WTForms uses its own bundled French translations.
        locales = ("fr_FR", "fr")

    def __init__(self, *args, **kwargs):
        pending = None
        if has_request_context() and "formdata" not in kwargs and not args and _pending_form_source:
            pending = _pending_form_source()
        if pending:
            kwargs["formdata"] = MultiDict([tuple(pair) for pair in pending])
        super().__init__(*args, **kwargs)
