"""Base form: WTForms' built-in messages in French."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    class Meta:
        # With WTF_I18N_ENABLED off, WTForms uses its own bundled French translations.
        locales = ("fr_FR", "fr")
