"""Every HTML page a role can reach by following links from its home page, with the demo data."""
import zlib
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

DEMO_PASSWORD = "passerelle-demo"  # noqa: S105  # nosec B105 - the demo accounts' password
ACCOUNTS = {
    "agent": "agent.fs@passerelle.example",
    "hr": "rh.fs@passerelle.example",
    "triager": "dev.caf@passerelle.example",
    "admin": "admin@passerelle.example",
}
ROLES = ["anonymous", *ACCOUNTS]
# Not pages for people: files, JSON, the API, health checks, and the way out.
SKIPPED_PREFIXES = ("/api/", "/static/", "/healthz", "/readyz", "/.well-known/", "/deconnexion")
SKIPPED_SUFFIXES = (".pdf", ".csv", ".json", ".png", ".jpg", ".svg", ".zip")
MAX_PAGES = 600


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _local_path(href):
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc not in ("localhost", "passerelle.test")):
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    # One page per path: query strings are filters and page numbers of a page already seen.
    return path


# Access-matrix GET endpoints that are not pages for people.
NOT_PAGES = {"static", "api-docs.openapi_json", "site.healthz", "site.readyz", "verify.status_list_document"}


def matrix_pages(role):
    """The role's GET pages of the access matrix with no parameter in their path (whether or not a link
    leads to them)."""
    from tests.platform.test_access_matrix import MATRIX, OK, expected_status

    pages = []
    for endpoint, (method, path, expected) in sorted(MATRIX.items()):
        if method != "GET" or expected_status(endpoint, expected, role) != OK or endpoint in NOT_PAGES or "{" in path:
            continue
        if path.startswith("/api/") or path.endswith((".csv", ".json", ".pdf", ".zip")):
            continue
        pages.append(path)
    return pages


def load_demo():
    """The shipped curricula and the demo data (built once per session on SQLite, see tests/db_states.py)."""
    from tests import db_states

    db_states.enter("curricula+demo")


_crawled = {}  # role -> the pages of crawl_demo, zlib-compressed


def crawl_demo(client, role):
    """{path: html} of every page the role reaches in the demo state (load_demo), starting from its home
    and from its GET pages of the access matrix: crawl(client, role, also=matrix_pages(role)).

    The crawl is the slow part of the page checks (hundreds of pages a role) and its result depends only on
    the role and the demo state, so it runs once per role and session; each test that reads it starts from
    the demo state as before, and gets its own copy of the pages."""
    load_demo()
    if role not in _crawled:
        pages = crawl(client, role, also=matrix_pages(role))
        _crawled[role] = {path: zlib.compress(html.encode()) for path, html in pages.items()}
    return {path: zlib.decompress(data).decode() for path, data in _crawled[role].items()}


def crawl(client, role, also=()):
    """{path: html} of every page reachable by links from the role's home (signs in first), and from
    the paths `also` given (pages no link leads to, e.g. the access matrix's GET pages).

    CSRF protection is on, as in production: the forms then carry their hidden csrf_token field."""
    from tests.conftest import csrf_token_from

    client.application.config["WTF_CSRF_ENABLED"] = True  # the db fixture turns it off again
    if role != "anonymous":
        token = csrf_token_from(client.get("/connexion").get_data(as_text=True))
        response = client.post("/connexion", data={"csrf_token": token, "email": ACCOUNTS[role],
                                                   "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.data[:300]
    start = ["/"] if role != "anonymous" else ["/connexion", "/accessibilite", "/mentions-legales"]
    start += [path for path in also if path not in start]
    queue, seen, pages = list(start), set(start), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[path] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target = _local_path(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


class VisibleText(HTMLParser):
    """The text a reader meets: element text plus the attributes read aloud or shown (title, alt,
    aria-label, placeholder, value of buttons); scripts and styles left out."""

    SPOKEN = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        self.parts += [values[name] for name in self.SPOKEN if values.get(name)]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


class Ids(HTMLParser):
    """Every id attribute of a page, in order; and (type, autocomplete) of its inputs that have one."""

    def __init__(self):
        super().__init__()
        self.ids = []
        self.autocompletes = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id") is not None:
            self.ids.append(values["id"])
        if tag == "input" and values.get("autocomplete"):
            self.autocompletes.append(((values.get("type") or "text").lower(), values["autocomplete"]))

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser


class NamedLinks(HTMLParser):
    """(href, text) of the links that name a page: the main navigation's and the breadcrumbs'."""

    NAMING = ("fr-nav__link", "fr-breadcrumb__link")

    def __init__(self):
        super().__init__()
        self.links = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "a" and values.get("href") and any(name in classes for name in self.NAMING):
            self._current = [values["href"], []]

    def handle_endtag(self, tag):
        if tag == "a" and self._current:
            href, parts = self._current
            self.links.append((href, " ".join(" ".join(parts).split())))
            self._current = None

    def handle_data(self, data):
        if self._current:
            self._current[1].append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.links
