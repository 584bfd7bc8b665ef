"""axe-core on the main forms sent empty or invalid, for each role: the error pages have no violation.

The forms are sent with `form.submit()`, which skips the browser's own checks, so that what is audited
is the page the server answers with its error summary and field errors.
"""
import pytest

from app.extensions import db
from tests.browser.conftest import audit_accessibility, log_in
from tests.browser.test_accessibility_crawl import ACCOUNTS

ERRORS = ".fr-error-text, .fr-alert--error, .fr-message--error, .fr-input-group--error, .fr-select-group--error"

# (role, page, form selector, {field selector: value typed before sending})
CASES = [
    ("anonymous", "/connexion", "main form", {}),
    ("anonymous", "/connexion", "main form", {"#email": "pas-une-adresse", "#password": "x"}),
    ("agent", "/compte", "form[action$='/compte/mot-de-passe']", {}),
    ("agent", "/compte", "form[action$='/compte/mot-de-passe']", {"[name='pw-current_password']": "faux",
                                                                  "[name='pw-password']": "court",
                                                                  "[name='pw-confirm']": "autre"}),
    ("hr", "/compte", "form[action$='/compte/mot-de-passe']", {}),
    ("hr", "/rh/agents/nouveau", "main form", {}),
    ("hr", "/rh/agents/nouveau", "main form", {"[name='email']": "pas-une-adresse"}),
    ("hr", "/rh/agents/import", "main form", {}),
    ("agent", "/passeport/declarer", "main form", {}),
    ("agent", "/passeport/declarer", "main form", {"[name='description']": "x" * 6000}),
    ("agent", "/remontees/nouvelle", "main form", {}),
    ("triager", "/compte", "form[action$='/compte/mot-de-passe']", {}),
    ("triager", "{report}", "form[action$='/reponse']", {}),
    ("triager", "/equipe/consultations/nouvelle", "main form", {}),
    ("triager", "/equipe/consultations/nouvelle", "main form", {
        "[name='title']": "Maquette", "[name='purpose']": "Votre avis sur la maquette.",
        "[name='prototype_url']": "http://pas-en-https.example", "[name='questions-0-text']": "Plus clair ?"}),
    ("triager", "{consultation}/cloturer", "main form", {}),
    ("admin", "/admin/utilisateurs/nouveau", "main form", {}),
    ("admin", "/admin/utilisateurs/nouveau", "main form", {"[name='email']": "pas-une-adresse"}),
]


def _team_caf_report():
    from app.accounts.models import Team
    from app.reports.catalog_models import Application
    from app.reports.models import Report

    return db.session.scalar(
        db.select(Report.reference).join(Application, Report.application_id == Application.id)
        .join(Team, Application.team_id == Team.id).where(Team.code == "TEAM-CAF").order_by(Report.id)
    )


@pytest.mark.parametrize(("role", "path", "form", "typed"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{'invalid' if c[3] else 'empty'}:{i}" for i, c in enumerate(CASES)])
def test_form_error_pages_have_no_axe_violation(page, role, path, form, typed):
    if role != "anonymous":
        log_in(page, ACCOUNTS[role])
    if path == "{report}":
        reference = _team_caf_report()
        assert reference, "the demo data has a report of TEAM-CAF"
        path = f"/remontees/{reference}"
    if path.startswith("{consultation}"):
        from app.consultations.models import Consultation

        open_one = db.session.scalar(db.select(Consultation.id).where(Consultation.status == "open"))
        assert open_one, "the demo data has an open consultation of TEAM-CAF"
        path = path.replace("{consultation}", f"/equipe/consultations/{open_one}")
    page.goto(path)
    # A form's first/ submit button may be a multi-step control: fill, then send the form as it is.
    for selector, value in typed.items():
        page.locator(f"{form} {selector}").first.fill(value)
    with page.expect_navigation():
        page.locator(form).first.evaluate("form => form.submit()")
    page.wait_for_load_state()
    assert page.locator(ERRORS).count() > 0, f"no error shown after sending {form} on {path}"
    assert audit_accessibility(page) == []
