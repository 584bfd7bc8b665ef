"""Escaping for the table rows that pages write in Python (many texts a page, each escaped once)."""
try:
    # markupsafe's own escaping of a str (in C when its speedups are built): str(markupsafe.escape(text)) for a
    # str that is not Markup, in one call instead of escape's four (a type check, the escaping, a Markup built
    # then turned back into a str), which a page of rows paid on every cell.
    from markupsafe import _escape_inner as escape_text
except ImportError:  # pragma: no cover - another markupsafe: the same replacements
    def escape_text(text):
        """str(markupsafe.escape(text)) for a str that is not Markup."""
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))

__all__ = ["escape_text"]
