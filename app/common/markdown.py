"""Markdown to safe HTML: raw HTML disabled, then sanitised whatever the source contains."""
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
# mdurl (markdown-it's URL encoder and decoder) fills its per-process tables on first use, and puts each table in
# its cache before filling it: a second thread rendering a link meanwhile reads a short table (IndexError, a 500
# under gunicorn's threads). Rendered once here, at import, under the import lock: the tables are full before
# any request thread renders a link.
_md.render("[lien](https://exemple.fr/é?a=b#c) <https://exemple.fr/x> <usager@exemple.fr>")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
TABLE_OPEN = ('<div class="fr-table"><div class="fr-table__wrapper"><div class="fr-table__container">'
              '<div class="fr-table__content" tabindex="0"><table>')
TABLE_CLOSE = "</table></div></div></div></div>"
_THEAD = re.compile(r"<thead>.*?</thead>", re.DOTALL)


def render_markdown(text):
    """Safe HTML for a Markdown text (no script, event handler, style or javascript: link)."""
    # Safe: _sanitised() returns nh3's output, which keeps only the tags, attributes and URL schemes below.
    return Markup(_sanitised(text or ""))  # noqa: S704  # nosec B704


@lru_cache(maxsize=512)
def _sanitised(text):
    """The sanitised HTML of a text; cached, as lessons are read far more often than written."""
    html = _md.render(text)
    # Lessons use ## as their top level; a stray # would break the page's heading order.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Tables in the DSFR's markup, scrolling inside their own (focusable) container on narrow screens;
    # fixed strings added to nh3's output, which holds no <table> with attributes.
    clean = _THEAD.sub(lambda m: m.group(0).replace("<th>", '<th scope="col">'), clean)
    return clean.replace("<table>", TABLE_OPEN).replace("</table>", TABLE_CLOSE)
