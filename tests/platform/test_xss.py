"""An XSS corpus renders harmless everywhere free text appears."""
from html.parser import HTMLParser

import pytest

from app.common.markdown import render_markdown
from app.notifications.services import notify

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">clic</a>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "![x](x\" onerror=\"alert(1))",
    "<details open ontoggle=alert(1)>",
    "{{ 7*7 }} {% raw %}",
]
ALLOWED_SCRIPTS = ("/static/",)


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script",) and not (attributes.get("src") or "").startswith(ALLOWED_SCRIPTS):
            self.problems.append(f"<{tag}> {attributes}")
        if tag in ("iframe", "object", "embed", "math", "img", "details"):
            self.problems.append(f"<{tag}>")
        if tag == "body":
            self.bodies += 1
            if self.bodies > 1:
                self.problems.append("second <body>")
        for key, value in attrs:
            if key.startswith("on"):
                self.problems.append(f"{tag} {key}")
            if key in ("href", "src", "action", "formaction") and value and value.strip().lower().startswith(
                    ("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{tag} {key}={value}")
            if key == "style":
                self.problems.append(f"{tag} style")

    bodies = 0


def _problems(html):
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", XSS)
def test_markdown_renders_payload_harmless(payload):
    assert _problems(str(render_markdown(payload))) == []


def test_free_text_on_pages_is_escaped(client, login, make_user, db):
    from tests.factories import OrganisationFactory

    admin = login(role="admin")
    for i, payload in enumerate(XSS):
        org = OrganisationFactory(name=f"Structure {payload}")
        make_user(full_name=payload, organisation=org, email=f"xss{i}@example.org")
        notify(admin, "info", payload, "/agent")
    db.session.commit()
    for path in ("/admin/utilisateurs?q=xss", "/admin/structures", "/notifications", "/admin/utilisateurs?page=2&q=xss"):
        html = client.get(path).get_data(as_text=True)
        assert _problems(html) == [], path


def test_the_inspector_catches_what_it_should():
    assert _problems("<p><img src=x onerror=alert(1)></p>")
    assert _problems('<a href="javascript:alert(1)">x</a>')
    assert _problems("<script>alert(1)</script>")
    assert _problems('<div style="x">') and not _problems("<p>&lt;script&gt;</p>")


def test_passport_and_report_texts_are_escaped(client, login, db):
    from app.reports import services as reports
    from tests.passports.core_factories import EntryFactory
    from tests.reports.factories import ApplicationFactory, report_values

    agent = login()
    application = ApplicationFactory()
    pages = ["/passeport/"]
    for payload in XSS:
        EntryFactory(holder=agent, description=payload)
        report = reports.file_report(agent, report_values(application, title=f"Titre {payload}"[:200],
                                                          what_happened=f"Il se passe : {payload}"), (), "Firefox")
        pages.append(f"/remontees/{report.reference}")
    db.session.commit()
    for path in pages + ["/remontees"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _problems(response.get_data(as_text=True)) == [], path
