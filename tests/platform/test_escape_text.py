"""escape_text escapes a str exactly as markupsafe.escape does (the rows written in Python rely on it)."""
from markupsafe import escape

from app.common.html import escape_text

TEXTS = ["", "plain", "<script>alert('x')</script>", 'a "quoted" & <b>bold</b>', "d'Ormesson — « é »", "&amp;", "\x00<"]


def test_escape_text_matches_markupsafe():
    for text in TEXTS:
        assert escape_text(text) == str(escape(text))
        assert type(escape_text(text)) is str
