"""Base form: WTForms' built-in messages in French; refilled after a session expiry."""
from flask import has_request_context
from flask_wtf import FlaskForm
from markupsafe import Markup
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

    def hidden_tag(self, *fields):
        """The hidden fields, without the id WTForms gives them: a page with several forms would
        otherwise repeat id="csrf_token" (WCAG 4.1.1). Hidden fields have no label to point at them."""
        fields = [self[f] if isinstance(f, str) else f for f in fields] or [
            f for f in self if getattr(f.widget, "input_type", None) == "hidden"]
        return Markup("\n").join(f(id=False) for f in fields)
